using AdminPortal.Infrastructure.Cluster;
using Microsoft.Extensions.Options;

namespace AdminPortal.Features.Incidents;

/// <summary>
/// Finds SLA deadlines that passed and records each breach once: breach time, timeline, audit, escalation from the
/// merchant's support agents to the platform admins, and a live update so open pages show it. One pass is
/// <see cref="RunOnceAsync"/>; it is idempotent, so several instances running it at once record each breach once
/// (the update is guarded by "not yet recorded"), and a cross-instance lease may wrap it to save the duplicate work.
/// </summary>
public sealed class SlaEscalation(IncidentStore incidents, ILogger<SlaEscalation> logger)
{
    private const int BatchSize = 200;

    /// <summary>Records the breaches due at <paramref name="now"/>; returns how many were recorded.</summary>
    public async Task<int> RunOnceAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        var recorded = 0;
        foreach (var incident in await incidents.UnrecordedBreachesAsync(now, BatchSize, ct))
        {
            if (SlaClock.IsAcknowledgeBreached(incident, now) && incident.AcknowledgeBreachedAt is null
                && await incidents.RecordBreachAsync(incident, acknowledge: true, now, ct))
            {
                recorded++;
            }

            if (SlaClock.IsResolveBreached(incident, now) && incident.ResolveBreachedAt is null)
            {
                // Re-read: the acknowledge breach above may have escalated it already.
                var current = await incidents.FindForEscalationAsync(incident.MerchantId, incident.Id, ct);
                if (current is not null && await incidents.RecordBreachAsync(current, acknowledge: false, now, ct))
                {
                    recorded++;
                }
            }
        }

        if (recorded > 0)
        {
            logger.LogWarning("Recorded {Count} incident SLA breaches", recorded);
        }

        return recorded;
    }
}

/// <summary>
/// Runs <see cref="SlaEscalation.RunOnceAsync"/> every <c>Incidents:SlaCheckIntervalSeconds</c>, in one portal instance
/// per interval (cluster singleton work): the pass is idempotent anyway, the claim only saves the other instances' work.
/// </summary>
internal sealed class SlaEscalationService(SlaEscalation escalation, TimeProvider clock, IOptions<IncidentOptions> options) : ISingletonWork
{
    public string Name => "incidents.sla-escalation";

    public TimeSpan Interval => TimeSpan.FromSeconds(options.Value.SlaCheckIntervalSeconds);

    // A failure is logged by the runner; the next interval finds the same breaches.
    public Task RunAsync(CancellationToken ct) => escalation.RunOnceAsync(clock.GetUtcNow(), ct);
}
