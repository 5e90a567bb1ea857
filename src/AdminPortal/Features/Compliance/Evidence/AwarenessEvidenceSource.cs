using AdminPortal.Features.Compliance.Awareness;
using AdminPortal.Features.Compliance.Catalogue;

namespace AdminPortal.Features.Compliance.Evidence;

/// <summary>Evidence for 9.5.1.3 and 12.6.x: who acknowledged the current awareness material in the last twelve months.</summary>
internal sealed class AwarenessEvidenceSource(AwarenessStore store, TimeProvider clock) : IComplianceEvidenceSource
{
    public string Name => "Security awareness";

    public async Task<IReadOnlyList<EvidenceFinding>> CollectAsync(Guid merchantId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var acknowledgements = await store.ListForEvidenceAsync(merchantId, cancellationToken);
        var findings = new List<EvidenceFinding>();
        foreach (var topic in AwarenessTopics.All)
        {
            var people = acknowledgements
                .Where(a => a.Topic == topic.Key && a.TopicVersion == topic.Version && a.AcknowledgedAt >= now.AddYears(-1))
                .Select(a => a.PersonName)
                .Distinct()
                .ToList();
            foreach (var requirement in topic.Requirements)
            {
                findings.Add(people.Count > 0
                    ? new EvidenceFinding(requirement, SaqResponse.InPlace,
                        $"{people.Count} people acknowledged \"{topic.Title}\" (version {topic.Version}) in the last 12 months: " +
                        $"{string.Join(", ", people.Take(8))}{(people.Count > 8 ? ", …" : "")}. Check that this is everyone who needs it.",
                        "Portal security-awareness page", now)
                    : new EvidenceFinding(requirement, SaqResponse.NotInPlace,
                        $"Nobody has acknowledged \"{topic.Title}\" in the last 12 months: ask staff to read it on the Security awareness page.",
                        "Portal security-awareness page", now));
            }
        }

        return findings;
    }
}
