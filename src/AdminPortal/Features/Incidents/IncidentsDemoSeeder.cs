using AdminPortal.Features.Merchants;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.CommandLine;

namespace AdminPortal.Features.Incidents;

/// <summary>
/// Demo incidents for each demo merchant: an unassigned SEV1 phishing report, a SEV2 malware incident in containment and
/// a closed SEV3 lost terminal, so the queue, the SLA timers, the timeline and the metrics have something to show.
/// Idempotent through their source keys ("demo:…").
/// </summary>
internal sealed class IncidentsDemoSeeder(MerchantDirectory merchants, IncidentStore incidents) : IDemoSeeder
{
    private static readonly IncidentActor Reporter = new(Guid.Parse("de70a000-0000-4000-8000-00000000c001"), "Demo store manager");
    private static readonly IncidentActor Responder = new(Guid.Parse("de70a000-0000-4000-8000-00000000c002"), "Demo responder");

    public int Order => 50;

    public async Task<string> SeedAsync(CancellationToken cancellationToken)
    {
        var scope = AccessScope.PlatformAdmin(Responder.PersonId!.Value, Responder.Name);
        var created = 0;
        foreach (var merchant in (await merchants.ListMerchantsAsync(scope, ct: cancellationToken)).Where(m => m.MerchantNumber.StartsWith("DEMO-", StringComparison.Ordinal)))
        {
            var (_, phishing) = await incidents.OpenAutomaticallyAsync(Demo(merchant, "phishing", "Staff received a fake 'terminal update' e-mail",
                IncidentType.Phishing, IncidentSeverity.Sev1, "Two cashiers clicked a link asking them to enter the back-office password."), Reporter, cancellationToken);
            created += phishing ? 1 : 0;

            var (malwareId, malware) = await incidents.OpenAutomaticallyAsync(Demo(merchant, "malware", "Unknown remote-access tool on the back-office PC",
                IncidentType.Malware, IncidentSeverity.Sev2, "The antivirus flagged a remote-access tool installed last night."), Reporter, cancellationToken);
            if (malware)
            {
                created++;
                await AdvanceAsync(scope, malwareId, [IncidentStatus.Triage, IncidentStatus.Containment], null, cancellationToken);
            }

            var (lostId, lost) = await incidents.OpenAutomaticallyAsync(Demo(merchant, "lost", "Card reader left on the delivery van",
                IncidentType.LostOrStolenDevice, IncidentSeverity.Sev3, "The reader was missing after the Saturday market."), Reporter, cancellationToken);
            if (lost)
            {
                created++;
                await AdvanceAsync(scope, lostId, [IncidentStatus.Triage, IncidentStatus.Closed],
                    ("Found in the van's glovebox, inspected and returned to service.", "No check-out list for portable readers."), cancellationToken);
            }
        }

        return $"Demo incidents: {created} added.";
    }

    private static AutomaticIncident Demo(Merchant merchant, string key, string title, IncidentType type, IncidentSeverity severity, string description) =>
        new(merchant.Id, IncidentSource.Reported, $"demo:{key}", title, type, severity, description, []);

    private async Task AdvanceAsync(AccessScope scope, Guid incidentId, IncidentStatus[] path, (string Resolution, string RootCause)? closing, CancellationToken ct)
    {
        foreach (var to in path)
        {
            var version = (await incidents.FindAsync(scope, incidentId, ct))!.Version;
            await incidents.TransitionAsync(scope, Responder, incidentId, version, to, closing?.Resolution, closing?.RootCause, ct: ct);
        }
    }
}
