using AdminPortal.Features.Compliance.Assessments;
using AdminPortal.Features.Compliance.Catalogue;
using AdminPortal.Features.Compliance.Export.Layout;
using PdfSharp.Drawing;

namespace AdminPortal.Features.Compliance.Export;

/// <summary>
/// Renders an SAQ with its Attestation of Compliance: cover, AOC parts 1-4, the questionnaire section by section,
/// appendices for compensating controls, Not Applicable and Not Tested answers, and the evidence snapshot.
/// Layout follows the order of the PCI SSC SAQ documents; the wording is the portal's own.
/// </summary>
public sealed class SaqPdfRenderer
{
    private readonly PdfFonts _fonts = PdfFonts.Create();

    public byte[] Render(SaqExportModel model)
    {
        using var flow = new PdfFlow(_fonts, $"{model.Saq.Name} - {model.Merchant.Name} - {model.Assessment.PeriodText}");
        Cover(flow, model);
        flow.Header = (gfx, fonts) => Header(gfx, fonts, model);
        flow.NewPage();
        Part1(flow, model);
        Part2(flow, model);
        Part3(flow, model);
        Part4(flow, model);
        flow.NewPage();
        Questionnaire(flow, model);
        Appendices(flow, model);
        EvidenceSnapshot(flow, model);
        return flow.Finish((gfx, fonts, page, pages) => Footer(gfx, fonts, model, page, pages));
    }

    private static void Cover(PdfFlow flow, SaqExportModel model)
    {
        flow.NewPage(withHeader: false);
        var gfx = flow.Graphics;
        gfx.DrawRectangle(new XSolidBrush(PdfColours.HeaderFill), 0, 0, PdfFlow.PageWidth, 210);
        gfx.DrawString("Payment Card Industry Data Security Standard v" + model.Saq.PciDssVersion, flow.Fonts.H3, XBrushes.White, flow.Left, 60, XStringFormats.TopLeft);
        gfx.DrawString("Self-Assessment Questionnaire", flow.Fonts.Title, XBrushes.White, flow.Left, 90, XStringFormats.TopLeft);
        gfx.DrawString(model.Saq.Name + " and Attestation of Compliance", flow.Fonts.H1, XBrushes.White, flow.Left, 130, XStringFormats.TopLeft);
        gfx.DrawString("For use with PCI DSS version " + model.Saq.PciDssVersion, flow.Fonts.Body, XBrushes.White, flow.Left, 165, XStringFormats.TopLeft);
        flow.Y = 250;
        flow.Heading(model.Merchant.Name, flow.Fonts.H1, 20);
        PdfTable.KeyValues(flow,
        [
            ("Merchant number", model.Merchant.MerchantNumber),
            ("Assessment period", model.Assessment.PeriodText),
            ("SAQ type", model.Saq.Name),
            ("Status", StatusText(model.Assessment)),
            ("Result", model.ComplianceStatus),
            ("Generated", model.GeneratedAt.ToString("yyyy-MM-dd HH:mm") + " UTC"),
        ]);
        flow.Space(10);
        flow.Heading("Responses at a glance", flow.Fonts.H3, 20);
        PdfTable.Draw(flow,
            [new PdfColumn("Response", 3), new PdfColumn("Requirements", 1)],
            model.Saq.Responses.Select(r => new PdfRow([r.Label(), model.Answers.Count(a => a.Response == r).ToString()]))
                .Append(new PdfRow(["Not yet answered", (model.RequirementCount - model.Answers.Count).ToString()]))
                .Append(new PdfRow(["Total", model.RequirementCount.ToString()], Emphasis: true)));
        flow.Space(10);
        flow.Paragraph(
            "Requirement texts in this document are short summaries written by the portal; the PCI DSS v4.0.1 standard and the official " +
            "PCI SSC questionnaire hold the binding wording. Evidence proposals were gathered by the portal and accepted or changed by the " +
            "merchant's compliance officer.", flow.Fonts.Small, colour: PdfColours.Muted);
        if (!model.Assessment.IsFrozen)
        {
            flow.Space(6);
            flow.Paragraph("DRAFT - this assessment has not been attested and must not be submitted.", flow.Fonts.H3, colour: PdfColours.Bad);
        }
    }

    private static void Part1(PdfFlow flow, SaqExportModel model)
    {
        flow.Heading("Section 1: Assessment Information", flow.Fonts.H1);
        flow.Heading("Part 1. Contact Information", flow.Fonts.H2);
        flow.Heading("Part 1a. Assessed Merchant", flow.Fonts.H3);
        PdfTable.KeyValues(flow,
        [
            ("Company name", model.Merchant.Name),
            ("Merchant number", model.Merchant.MerchantNumber),
            ("Country", model.Merchant.Country),
            ("Merchant level", $"Level {model.Merchant.PciLevel}"),
            ("Contact name", model.Assessment.AttesterName ?? model.Assessment.CreatedByName),
            ("Contact title", model.Assessment.AttesterTitle ?? "Compliance officer"),
        ]);
        flow.Heading("Part 1b. Assessor", flow.Fonts.H3);
        PdfTable.KeyValues(flow,
        [
            ("Qualified Security Assessor", "None: this is a self-assessment."),
            ("Internal Security Assessor", "None recorded."),
        ]);
    }

    private static void Part2(PdfFlow flow, SaqExportModel model)
    {
        flow.Heading("Part 2. Executive Summary", flow.Fonts.H2);
        flow.Heading("Part 2a. Payment Channels", flow.Fonts.H3);
        var cardPresentOnly = model.Saq.Code != "D";
        PdfTable.KeyValues(flow,
        [
            ("Card-present", "Yes: mobile point-of-sale terminals managed in the portal."),
            ("Mail order / telephone order", cardPresentOnly ? "Not covered by this SAQ." : "As described in Part 2c."),
            ("E-commerce", cardPresentOnly ? "No: not eligible for this SAQ." : "As described in Part 2c."),
        ]);
        flow.Heading("Part 2b. Description of Role with Payment Cards", flow.Fonts.H3);
        flow.Paragraph(model.Saq.Description);
        flow.Heading("Part 2c. Description of Payment Card Environment", flow.Fonts.H3);
        flow.Paragraph($"The merchant confirms the eligibility criteria of {model.Saq.Name}:");
        foreach (var criterion in model.Saq.Eligibility)
        {
            flow.Paragraph("- " + criterion, indent: 10);
        }

        flow.Heading("Part 2d. In-Scope Locations and Facilities", flow.Fonts.H3);
        if (model.Locations.Count == 0)
        {
            flow.Paragraph("No store locations are recorded for this merchant.", colour: PdfColours.Muted);
        }
        else
        {
            PdfTable.Draw(flow, [new PdfColumn("Facility", 2), new PdfColumn("Address", 3), new PdfColumn("City", 1.5), new PdfColumn("Country", 0.8)],
                model.Locations.Select(s => new PdfRow([s.Name, $"{s.AddressLine}, {s.PostalCode}", s.City, s.Country])));
        }

        flow.Heading("Part 2e. PCI SSC Validated Products and Solutions", flow.Fonts.H3);
        flow.Paragraph(model.Saq.Code switch
        {
            "P2PE" => "The validated P2PE solution and its PCI SSC listing number are recorded with the solution provider's P2PE Instruction Manual.",
            "SPoC" => "The validated SPoC solution and its PCI SSC listing number are recorded with the solution provider's user guide.",
            _ => "PTS-approved payment terminals as listed in the portal's device inventory.",
        });
        flow.Heading("Part 2f. Third-Party Service Providers", flow.Fonts.H3);
        flow.Paragraph("The payment service provider operating this portal and the merchant's terminals (acquiring and processing). " +
                       "Requirement 12.8 answers in Section 2 record how service providers are managed.");
        flow.Heading("Part 2g. Summary of Assessment", flow.Fonts.H3);
        var responses = model.Saq.Responses;
        var columns = new List<PdfColumn> { new("PCI DSS requirement", 3.2) };
        columns.AddRange(responses.Select(r => new PdfColumn(r.Label(), 1)));
        PdfTable.Draw(flow, columns, model.Saq.Sections.Select(section =>
        {
            var answers = section.Requirements.Select(model.AnswerFor).Where(a => a is not null).ToList();
            var cells = new List<string> { section.Title };
            cells.AddRange(responses.Select(r => answers.Count(a => a!.Response == r) is var n and > 0 ? n.ToString() : ""));
            return new PdfRow(cells);
        }), flow.Fonts.Small);
    }

    private static void Part3(PdfFlow flow, SaqExportModel model)
    {
        var a = model.Assessment;
        flow.Heading("Section 3: Validation and Attestation Details", flow.Fonts.H1);
        flow.Heading("Part 3. PCI DSS Validation", flow.Fonts.H2);
        flow.Paragraph($"Based on the results in {model.Saq.Name} dated {a.PeriodEnd:yyyy-MM-dd}, the compliance status of {model.Merchant.Name} is:");
        flow.Heading(model.ComplianceStatus, flow.Fonts.H2, 20,
            model.ComplianceStatus == "Compliant" ? PdfColours.Good : model.ComplianceStatus == "Non-Compliant" ? PdfColours.Bad : PdfColours.Warn);
        flow.Heading("Part 3a. Merchant Acknowledgement", flow.Fonts.H3);
        foreach (var statement in new[]
        {
            $"{model.Saq.Name} was completed following its instructions, and the answers are a true picture of the assessment.",
            "All information in the questionnaire and this attestation fairly represents the results of the assessment.",
            "PCI DSS controls will be maintained at all times, as applicable to the merchant's environment.",
        })
        {
            flow.Paragraph("- " + statement, indent: 10);
        }

        flow.Heading("Part 3b. Merchant Attestation", flow.Fonts.H3);
        PdfTable.KeyValues(flow, a.IsFrozen
            ?
            [
                ("Signatory", a.AttesterName ?? ""),
                ("Title", a.AttesterTitle ?? ""),
                ("Date", a.AttestationDate?.ToString("yyyy-MM-dd") ?? ""),
                ("Recorded in the portal", $"{a.AttestedAt:yyyy-MM-dd HH:mm} UTC"),
            ]
            :
            [
                ("Signatory", "Not yet attested"),
                ("Status", StatusText(a)),
            ]);
        flow.Heading("Review", flow.Fonts.H3);
        PdfTable.KeyValues(flow,
        [
            ("Prepared by", a.CreatedByName),
            ("Reviewed by (second person)", a.ReviewedByName is null ? "Not yet reviewed" : $"{a.ReviewedByName} on {a.ReviewedAt:yyyy-MM-dd}"),
        ]);
        flow.Heading("Part 3c. QSA Acknowledgement / Part 3d. ISA Involvement", flow.Fonts.H3);
        flow.Paragraph("Not applicable: no QSA or ISA took part in this self-assessment.");
    }

    private static void Part4(PdfFlow flow, SaqExportModel model)
    {
        flow.Heading("Part 4. Action Plan for Non-Compliant Requirements", flow.Fonts.H2);
        var open = model.Answers.Where(x => x.Response == SaqResponse.NotInPlace).ToList();
        if (open.Count == 0)
        {
            flow.Paragraph("No requirement is answered \"Not in Place\": no action plan is needed.");
            return;
        }

        flow.Paragraph("Requirements answered \"Not in Place\", with the remediation the merchant describes:");
        PdfTable.Draw(flow, [new PdfColumn("Req.", 0.8), new PdfColumn("Requirement", 3), new PdfColumn("Remediation actions and date", 4)],
            open.Select(x => new PdfRow([x.Requirement, model.Catalogue.Requirement(x.Requirement).Summary, Join(x.Explanation, x.EvidenceNotes)])),
            flow.Fonts.Small);
    }

    private static void Questionnaire(PdfFlow flow, SaqExportModel model)
    {
        flow.Heading("Section 2: Self-Assessment Questionnaire", flow.Fonts.H1);
        flow.Paragraph($"Responses allowed in {model.Saq.Name}: {string.Join(", ", model.Saq.Responses.Select(r => r.Label()))}.", flow.Fonts.Small, colour: PdfColours.Muted);
        foreach (var section in model.Saq.Sections)
        {
            flow.Heading(section.Title, flow.Fonts.H2, 80);
            PdfTable.Draw(flow,
                [new PdfColumn("Req.", 0.75), new PdfColumn("Requirement (summary)", 3.1), new PdfColumn("Response", 1.15), new PdfColumn("Explanation and evidence", 4)],
                section.Requirements.Select(number =>
                {
                    var answer = model.AnswerFor(number);
                    var summary = model.Catalogue.Requirement(number).Summary;
                    return answer is null
                        ? new PdfRow([number, summary, "Not answered", ""], Colours: new Dictionary<int, XColor> { [2] = PdfColours.Warn })
                        : new PdfRow([number, summary, answer.Response.Label(), Join(answer.Explanation, answer.EvidenceNotes, $"Answered by {answer.AnsweredByName}, {answer.AnsweredAt:yyyy-MM-dd}")],
                            Colours: new Dictionary<int, XColor> { [2] = ResponseColour(answer.Response) });
                }),
                flow.Fonts.Small);
        }
    }

    private static void Appendices(PdfFlow flow, SaqExportModel model)
    {
        var ccw = model.Answers.Where(a => a.Response == SaqResponse.InPlaceWithCcw).ToList();
        flow.NewPage();
        flow.Heading("Appendix B: Compensating Controls Worksheet", flow.Fonts.H1);
        if (ccw.Count == 0)
        {
            flow.Paragraph("No requirement is answered \"In Place with CCW\".");
        }

        foreach (var answer in ccw)
        {
            flow.Heading($"Requirement {answer.Requirement}: {model.Catalogue.Requirement(answer.Requirement).Summary}", flow.Fonts.H3);
            PdfTable.KeyValues(flow, (answer.Ccw ?? CompensatingControlWorksheet.Empty).Fields);
        }

        flow.Heading("Appendix C: Explanation of Requirements Noted as Not Applicable", flow.Fonts.H1);
        Explanations(flow, model, SaqResponse.NotApplicable, "Reason the requirement is not applicable");
        if (model.Saq.Allows(SaqResponse.NotTested))
        {
            flow.Heading("Appendix D: Explanation of Requirements Noted as Not Tested", flow.Fonts.H1);
            Explanations(flow, model, SaqResponse.NotTested, "What was not tested and why");
        }
    }

    private static void Explanations(PdfFlow flow, SaqExportModel model, SaqResponse response, string header)
    {
        var rows = model.Answers.Where(a => a.Response == response).ToList();
        if (rows.Count == 0)
        {
            flow.Paragraph($"No requirement is answered \"{response.Label()}\".");
            return;
        }

        PdfTable.Draw(flow, [new PdfColumn("Req.", 0.8), new PdfColumn("Requirement", 3), new PdfColumn(header, 4)],
            rows.Select(a => new PdfRow([a.Requirement, model.Catalogue.Requirement(a.Requirement).Summary, a.NaJustification ?? ""])), flow.Fonts.Small);
    }

    private static void EvidenceSnapshot(PdfFlow flow, SaqExportModel model)
    {
        flow.Heading("Appendix E: Evidence Snapshot from the Portal", flow.Fonts.H1);
        if (model.Evidence.Count == 0)
        {
            flow.Paragraph("No evidence was collected from the portal for this assessment.");
            return;
        }

        flow.Paragraph("What the portal's own records proposed when the officer last collected evidence. The officer's answers in Section 2 prevail.",
            flow.Fonts.Small, colour: PdfColours.Muted);
        PdfTable.Draw(flow,
            [new PdfColumn("Req.", 0.8), new PdfColumn("Source", 1.5), new PdfColumn("Proposed", 1.2), new PdfColumn("Finding", 4.2), new PdfColumn("Taken (UTC)", 1.3)],
            model.Evidence.Select(e => new PdfRow([e.Requirement, e.Source, e.ProposedResponse.Label(), e.Explanation, e.TakenAt.ToString("yyyy-MM-dd HH:mm")],
                Colours: new Dictionary<int, XColor> { [2] = ResponseColour(e.ProposedResponse) })),
            flow.Fonts.Small);
    }

    private static void Header(XGraphics gfx, PdfFonts fonts, SaqExportModel model)
    {
        var left = $"{model.Saq.Name} and Attestation of Compliance  |  {model.Merchant.Name}  |  {model.Assessment.PeriodText}";
        gfx.DrawString(left, fonts.Small, new XSolidBrush(PdfColours.Muted), PdfFlow.Margin, PdfFlow.Margin - 14, XStringFormats.TopLeft);
        var right = model.Assessment.IsFrozen ? "PCI DSS v" + model.Saq.PciDssVersion : "DRAFT - NOT ATTESTED";
        gfx.DrawString(right, fonts.SmallBold, new XSolidBrush(model.Assessment.IsFrozen ? PdfColours.Muted : PdfColours.Bad),
            PdfFlow.PageWidth - PdfFlow.Margin, PdfFlow.Margin - 14, XStringFormats.TopRight);
        gfx.DrawLine(new XPen(PdfColours.Line, 0.6), PdfFlow.Margin, PdfFlow.Margin, PdfFlow.PageWidth - PdfFlow.Margin, PdfFlow.Margin);
    }

    private static void Footer(XGraphics gfx, PdfFonts fonts, SaqExportModel model, int page, int pages)
    {
        var y = PdfFlow.PageHeight - PdfFlow.Margin;
        gfx.DrawLine(new XPen(PdfColours.Line, 0.6), PdfFlow.Margin, y - 6, PdfFlow.PageWidth - PdfFlow.Margin, y - 6);
        gfx.DrawString($"Generated {model.GeneratedAt:yyyy-MM-dd HH:mm} UTC by the Merchant Security Admin Portal", fonts.Small,
            new XSolidBrush(PdfColours.Muted), PdfFlow.Margin, y, XStringFormats.TopLeft);
        gfx.DrawString($"Page {page} of {pages}", fonts.SmallBold, new XSolidBrush(PdfColours.Ink), PdfFlow.PageWidth - PdfFlow.Margin, y, XStringFormats.TopRight);
    }

    private static string StatusText(SaqAssessment a) => a.Status switch
    {
        AssessmentStatus.Draft => "Draft",
        AssessmentStatus.InReview => $"In review since {a.SubmittedAt:yyyy-MM-dd}",
        AssessmentStatus.Reviewed => $"Reviewed by {a.ReviewedByName} on {a.ReviewedAt:yyyy-MM-dd}, awaiting attestation",
        AssessmentStatus.Attested => $"Attested by {a.AttesterName}, {a.AttesterTitle} on {a.AttestationDate:yyyy-MM-dd}",
        _ => a.Status.ToString(),
    };

    private static XColor ResponseColour(SaqResponse response) => response switch
    {
        SaqResponse.InPlace => PdfColours.Good,
        SaqResponse.InPlaceWithCcw => PdfColours.Good,
        SaqResponse.NotInPlace => PdfColours.Bad,
        SaqResponse.NotTested => PdfColours.Warn,
        _ => PdfColours.Ink,
    };

    private static string Join(params string?[] parts) => string.Join("\n", parts.Where(p => !string.IsNullOrWhiteSpace(p)));
}
