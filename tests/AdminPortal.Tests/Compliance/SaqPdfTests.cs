using AdminPortal.Features.Compliance.Catalogue;
using AdminPortal.Features.Compliance.Export;
using UglyToad.PdfPig;

namespace AdminPortal.Tests.Compliance;

public sealed class SaqPdfTests
{
    public static TheoryData<string> SaqCodes => new(SaqCatalogue.Default.Saqs.Select(s => s.Code));

    [Theory, MemberData(nameof(SaqCodes))]
    public void The_PDF_holds_every_requirement_the_AOC_parts_and_the_attestation(string code)
    {
        var model = SaqSampleModel.Create(code);
        using var pdf = PdfDocument.Open(new SaqPdfRenderer().Render(model));
        var pages = pdf.GetPages().Select(p => p.GetWords().Select(w => w.Text).ToList()).ToList();
        var words = pages.SelectMany(w => w).ToHashSet();
        var text = string.Join(" ", pages.SelectMany(w => w));

        Assert.All(model.Saq.RequirementNumbers, n => Assert.Contains(n, words));
        foreach (var part in new[] { "Part 1.", "Part 1a.", "Part 2.", "Part 2a.", "Part 2b.", "Part 2c.", "Part 2d.", "Part 2e.", "Part 2f.", "Part 2g.", "Part 3.", "Part 3a.", "Part 3b.", "Part 4." })
        {
            Assert.Contains(part, text);
        }

        Assert.Contains("Signatory Clara Compliance", text);
        Assert.Contains("Title Compliance Officer", text);
        Assert.Contains("Appendix B: Compensating Controls Worksheet", text);
        Assert.Contains("Appendix C: Explanation of Requirements Noted as Not Applicable", text);
        Assert.Contains("Appendix E: Evidence Snapshot", text);
        Assert.Contains($"Page {pages.Count} of {pages.Count}", text);
        Assert.Equal(code == "D", text.Contains("Appendix D: Explanation of Requirements Noted as Not Tested"));
    }

    [Fact]
    public void Questionnaire_tables_repeat_their_header_on_every_page_they_reach()
    {
        var model = SaqSampleModel.Create("D");
        using var pdf = PdfDocument.Open(new SaqPdfRenderer().Render(model));
        var pages = pdf.GetPages().Select(p => string.Join(" ", p.GetWords().Select(w => w.Text))).ToList();
        var first = pages.FindIndex(p => p.Contains("Section 2: Self-Assessment Questionnaire"));
        var last = pages.FindIndex(p => p.Contains("Appendix B: Compensating"));
        Assert.True(last - first > 5, "SAQ D's questionnaire spans many pages");
        for (var i = first; i < last; i++)
        {
            Assert.Contains("Req. Requirement (summary) Response Explanation and evidence", pages[i]);
            Assert.Contains($"Page {i + 1} of {pages.Count}", pages[i]);
        }
    }

    [Fact]
    public void A_draft_is_marked_on_every_page_and_has_no_signatory()
    {
        var model = SaqSampleModel.Create("P2PE", attested: false);
        using var pdf = PdfDocument.Open(new SaqPdfRenderer().Render(model));
        var pages = pdf.GetPages().Select(p => string.Join(" ", p.GetWords().Select(w => w.Text))).ToList();
        Assert.All(pages, p => Assert.Contains("DRAFT", p));
        Assert.Contains("Signatory Not yet attested", string.Join(" ", pages));
    }
}
