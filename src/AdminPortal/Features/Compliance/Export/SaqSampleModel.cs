using AdminPortal.Features.Compliance.Assessments;
using AdminPortal.Features.Compliance.Catalogue;
using AdminPortal.Features.Compliance.Evidence;
using AdminPortal.Features.Merchants;

namespace AdminPortal.Features.Compliance.Export;

/// <summary>
/// A fully answered, attested assessment with every kind of response, built in memory: the render benchmark and the
/// PDF tests use it, so both measure and check the document a real SAQ produces.
/// </summary>
public static class SaqSampleModel
{
    public static SaqExportModel Create(string saqCode, bool attested = true, int stores = 12)
    {
        var catalogue = SaqCatalogue.Default;
        var saq = catalogue.Get(saqCode);
        var merchantId = Guid.Parse("6f1c2a9e-0000-4000-8000-000000000001");
        var assessmentId = Guid.Parse("6f1c2a9e-0000-4000-8000-000000000002");
        var at = new DateTimeOffset(2026, 11, 20, 9, 30, 0, TimeSpan.Zero);
        var merchant = new Merchant { Id = merchantId, MerchantNumber = "DEMO-DE-0001", Name = "Bäckerei Sonnenschein GmbH", Country = "DE", PciLevel = 4, SaqType = saqCode };
        var locations = Enumerable.Range(1, stores).Select(i => new Store
        {
            MerchantId = merchantId, Id = Guid.NewGuid(), Name = $"Filiale {i:00}", AddressLine = $"Hauptstraße {i * 7}", City = i % 2 == 0 ? "Berlin" : "Hamburg",
            PostalCode = $"{10115 + i}", Country = "DE", TimeZone = "Europe/Berlin",
        }).ToList();

        var answers = new List<SaqAnswer>();
        var n = 0;
        foreach (var number in saq.RequirementNumbers)
        {
            var response = (n++ % 17) switch
            {
                5 when saq.Allows(SaqResponse.InPlaceWithCcw) => SaqResponse.InPlaceWithCcw,
                7 or 11 => SaqResponse.NotApplicable,
                13 when saq.Allows(SaqResponse.NotTested) => SaqResponse.NotTested,
                16 => SaqResponse.NotInPlace,
                _ => SaqResponse.InPlace,
            };
            answers.Add(new SaqAnswer
            {
                MerchantId = merchantId, AssessmentId = assessmentId, Requirement = number, Response = response,
                Explanation = response switch
                {
                    SaqResponse.NotInPlace => $"Gap found during the assessment of {number}. Remediation: owner assigned, fix planned by 2027-02-28, tracked in the incident queue.",
                    SaqResponse.NotApplicable => "Does not apply to the merchant's environment (see Appendix C).",
                    _ => $"Control for {number} is in place across all stores; confirmed by the compliance officer during the store visits of November 2026.",
                },
                EvidenceNotes = n % 3 == 0 ? "Policy document SEC-POL-004 v3, signed 2026-03-01; screenshots in the evidence folder." : "",
                NaJustification = response is SaqResponse.NotApplicable ? "The merchant has no systems of this kind: payments run only on validated terminals." :
                    response is SaqResponse.NotTested ? "Excluded by agreement with the acquirer for this period." : null,
                Ccw = response is SaqResponse.InPlaceWithCcw
                    ? new CompensatingControlWorksheet(
                        "The terminal vendor's firmware cannot enforce this setting.",
                        "Stop unauthorised use of the terminal if credentials are guessed.",
                        "Someone with physical access could try many codes.",
                        "Terminals are locked in a drawer outside opening hours and checked at each shift start.",
                        "Store managers sign the daily checklist; the compliance officer checks a sample monthly.",
                        "Checklist reviewed yearly and whenever the vendor releases new firmware.")
                    : null,
                AnsweredById = Guid.Empty, AnsweredByName = "Clara Compliance", AnsweredAt = at,
            });
        }

        var assessment = new SaqAssessment
        {
            MerchantId = merchantId, Id = assessmentId, SaqType = saq.Code, PeriodStart = new DateTimeOffset(2025, 12, 1, 0, 0, 0, TimeSpan.Zero),
            PeriodEnd = new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero), Status = attested ? AssessmentStatus.Attested : AssessmentStatus.Draft,
            CreatedByName = "Clara Compliance", CreatedAt = at, UpdatedAt = at,
            ReviewedByName = attested ? "Oskar Owner" : null, ReviewedAt = attested ? at.AddDays(1) : null,
            AttesterName = attested ? "Clara Compliance" : null, AttesterTitle = attested ? "Compliance Officer" : null,
            AttestationDate = attested ? at.AddDays(2) : null, AttestedAt = attested ? at.AddDays(2) : null,
        };
        var evidence = new List<EvidenceFinding>
        {
            new("10.2.1", SaqResponse.InPlace, "The portal logged 412 security-relevant events for this merchant in the last 90 days.", "Portal audit log", at),
            new("10.3.2", SaqResponse.InPlace, "The audit log is hash-chained; all 9,812 entries verified intact.", "Portal audit log", at),
            new("9.5.1.3", SaqResponse.InPlace, "14 people acknowledged \"Inspecting card terminals for tampering\" in the last 12 months.", "Portal security-awareness page", at),
        }.Where(e => saq.RequirementNumbers.Contains(e.Requirement)).ToList();
        return new SaqExportModel(merchant, locations, catalogue, saq, assessment, answers, evidence, at.AddDays(3));
    }
}
