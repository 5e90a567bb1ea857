using AdminPortal.Features.Compliance.Assessments;
using AdminPortal.Features.Compliance.Awareness;
using AdminPortal.Features.Compliance.Catalogue;
using AdminPortal.Features.Compliance.Evidence;
using AdminPortal.Features.Merchants;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.CommandLine;

namespace AdminPortal.Features.Compliance;

/// <summary>
/// Demo SAQs: the bakery has last year's attested SAQ P2PE and this year's draft started from it; the coffee shop has
/// a half-answered SAQ SPoC; the market has none (the empty state). Idempotent: merchants with any assessment are skipped.
/// </summary>
internal sealed class ComplianceDemoSeeder(
    MerchantDirectory merchants, AssessmentStore assessments, AwarenessStore awareness, EvidenceCollector evidence, SaqCatalogue catalogue, TimeProvider clock)
    : IDemoSeeder
{
    private static readonly ComplianceActor Officer = new(Guid.Parse("0d3e0000-0000-4000-8000-00000000c0c0"), "Clara Demo");
    private static readonly ComplianceActor Owner = new(Guid.Parse("0d3e0000-0000-4000-8000-00000000ab0e"), "Oskar Demo");

    public int Order => 60;

    public async Task<string> SeedAsync(CancellationToken cancellationToken)
    {
        var officerScope = AccessScope.PlatformAdmin(Officer.PersonId!.Value);
        var ownerScope = AccessScope.PlatformAdmin(Owner.PersonId!.Value);
        var all = await merchants.ListMerchantsAsync(officerScope, ct: cancellationToken);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var seeded = 0;

        if (all.FirstOrDefault(m => m.MerchantNumber == "DEMO-DE-0001") is { } bakery && (await assessments.ListAsync(officerScope, bakery.Id, cancellationToken)).Count == 0)
        {
            var last = await assessments.StartAsync(officerScope, Officer, bakery.Id, "P2PE", today.AddYears(-2).AddDays(1), today.AddYears(-1), cancellationToken);
            await AnswerAsync(officerScope, last, 1.0, cancellationToken);
            await assessments.SubmitForReviewAsync(officerScope, Officer, last.Id, cancellationToken);
            await assessments.ReviewAsync(ownerScope, Owner, last.Id, approve: true, note: null, cancellationToken);
            await assessments.AttestAsync(officerScope, Officer, last.Id, new Attestation("Clara Demo", "Head of Compliance", today.AddYears(-1).AddDays(14)), cancellationToken);
            await awareness.AcknowledgeAsync(officerScope, Officer, bakery.Id, AwarenessTopics.TamperInspection, cancellationToken);
            await awareness.AcknowledgeAsync(ownerScope, Owner, bakery.Id, AwarenessTopics.TamperInspection, cancellationToken);
            var current = await assessments.StartAsync(officerScope, Officer, bakery.Id, "P2PE", today.AddYears(-1).AddDays(1), today, cancellationToken);
            await evidence.RefreshAsync(officerScope, current.Id, cancellationToken);
            seeded++;
        }

        if (all.FirstOrDefault(m => m.MerchantNumber == "DEMO-GB-0001") is { } coffee && (await assessments.ListAsync(officerScope, coffee.Id, cancellationToken)).Count == 0)
        {
            var draft = await assessments.StartAsync(officerScope, Officer, coffee.Id, "SPoC", today.AddYears(-1).AddDays(1), today, cancellationToken);
            await AnswerAsync(officerScope, draft, 0.5, cancellationToken);
            await evidence.RefreshAsync(officerScope, draft.Id, cancellationToken);
            seeded++;
        }

        return $"Demo SAQs: {seeded} merchant(s) given assessments (merchants that already had one were left alone).";
    }

    private async Task AnswerAsync(AccessScope scope, SaqAssessment assessment, double share, CancellationToken ct)
    {
        var numbers = catalogue.Get(assessment.SaqType).RequirementNumbers.ToList();
        foreach (var number in numbers.Take((int)Math.Ceiling(numbers.Count * share)))
        {
            var input = number.StartsWith("9.4.1.", StringComparison.Ordinal)
                ? new AnswerInput(number, SaqResponse.NotApplicable, "No backups of card data exist.", "", "The merchant keeps no electronic media with account data; receipts show truncated card numbers only.")
                : new AnswerInput(number, SaqResponse.InPlace, $"Confirmed for every store during the yearly review ({catalogue.Requirement(number).Summary.TrimEnd('.').ToLowerInvariant()}).",
                    "Store checklist and policy binder, compliance folder.");
            await assessments.SaveAnswerAsync(scope, Officer, assessment.Id, input, ct);
        }
    }
}
