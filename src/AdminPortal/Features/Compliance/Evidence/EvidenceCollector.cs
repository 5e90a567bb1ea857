using AdminPortal.Features.Compliance.Assessments;
using AdminPortal.Features.Compliance.Catalogue;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using Dapper;

namespace AdminPortal.Features.Compliance.Evidence;

/// <summary>
/// Asks every registered <see cref="IComplianceEvidenceSource"/> for the merchant's findings and keeps a snapshot with
/// the assessment, so the PDF shows the evidence as it was when the officer looked at it.
/// </summary>
public sealed class EvidenceCollector(
    IEnumerable<IComplianceEvidenceSource> sources,
    IDbConnectionFactory db,
    AssessmentStore assessments,
    SaqCatalogue catalogue,
    ILogger<EvidenceCollector> logger)
{
    private const string Columns =
        "requirement AS Requirement, proposed_response AS ProposedResponse, explanation AS Explanation, source AS Source, taken_at AS TakenAt";

    /// <summary>Collects afresh and replaces the snapshot; only for the merchant's compliance officer, only on open assessments.</summary>
    public async Task<IReadOnlyList<EvidenceFinding>> RefreshAsync(AccessScope scope, Guid assessmentId, CancellationToken ct = default)
    {
        var assessment = await assessments.FindAsync(scope, assessmentId, ct) ?? throw new AssessmentNotFoundException();
        AssessmentStore.RequireOfficer(scope, assessment.MerchantId);
        if (assessment.IsFrozen)
        {
            throw new ComplianceRuleException("This assessment is attested and frozen: its evidence snapshot no longer changes.");
        }

        var asked = catalogue.Get(assessment.SaqType).RequirementNumbers.ToHashSet();
        var findings = new List<EvidenceFinding>();
        foreach (var source in sources)
        {
            try
            {
                findings.AddRange((await source.CollectAsync(assessment.MerchantId, ct)).Where(f => asked.Contains(f.Requirement)));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One broken source must not hide the others' evidence; the officer sees fewer proposals, the log says why.
                logger.LogWarning(ex, "Evidence source {Source} failed for merchant {MerchantId}", source.Name, assessment.MerchantId);
            }
        }

        // One finding per requirement and source: the latest wins (keys of the snapshot table).
        findings = findings.GroupBy(f => (f.Requirement, f.Source)).Select(g => g.Last()).ToList();
        await using var connection = await db.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM saq_evidence WHERE merchant_id = @merchantId AND assessment_id = @assessmentId",
            new { merchantId = assessment.MerchantId, assessmentId }, tx, cancellationToken: ct));
        foreach (var finding in findings)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO saq_evidence (merchant_id, assessment_id, requirement, source, proposed_response, explanation, taken_at)
                VALUES (@merchantId, @assessmentId, @Requirement, @Source, @response, @Explanation, @TakenAt)
                """,
                new { merchantId = assessment.MerchantId, assessmentId, finding.Requirement, finding.Source, response = (int)finding.ProposedResponse, finding.Explanation, finding.TakenAt },
                tx, cancellationToken: ct));
        }

        await tx.CommitAsync(ct);
        return await SnapshotAsync(scope, assessmentId, ct);
    }

    public async Task<IReadOnlyList<EvidenceFinding>> SnapshotAsync(AccessScope scope, Guid assessmentId, CancellationToken ct = default)
    {
        var assessment = await assessments.FindAsync(scope, assessmentId, ct) ?? throw new AssessmentNotFoundException();
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<EvidenceRow>(new CommandDefinition(
            $"SELECT {Columns} FROM saq_evidence WHERE merchant_id = @merchantId AND assessment_id = @assessmentId",
            new { merchantId = assessment.MerchantId, assessmentId }, cancellationToken: ct));
        var order = catalogue.Get(assessment.SaqType).RequirementNumbers.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i);
        return rows
            .Select(r => new EvidenceFinding(r.Requirement, (SaqResponse)r.ProposedResponse, r.Explanation, r.Source, r.TakenAt))
            .OrderBy(f => order.GetValueOrDefault(f.Requirement, int.MaxValue)).ThenBy(f => f.Source)
            .ToList();
    }

    private sealed class EvidenceRow
    {
        public required string Requirement { get; init; }
        public int ProposedResponse { get; init; }
        public required string Explanation { get; init; }
        public required string Source { get; init; }
        public DateTimeOffset TakenAt { get; init; }
    }
}
