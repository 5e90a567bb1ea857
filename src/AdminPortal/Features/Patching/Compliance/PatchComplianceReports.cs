using AdminPortal.Features.Merchants;
using AdminPortal.Features.Merchants.Access;

namespace AdminPortal.Features.Patching;

/// <summary>
/// Compliance read models for the patching page, the dashboard card and (later) the SAQ evidence: per merchant and store
/// percentages, rollout progress per policy, and patch latency. Computed from Patching's tables and the device inventory,
/// for the merchants in the person's scope only.
/// </summary>
public sealed class PatchComplianceReports(
    MerchantDirectory merchants, PatchPolicyQueries queries, PatchInstallLedger ledger, PatchReleaseCatalogue releases,
    IDeviceInventory inventory, TimeProvider clock)
{
    /// <summary>How far back patch latency looks.</summary>
    public static readonly TimeSpan LatencyPeriod = TimeSpan.FromDays(365);

    public async Task<ComplianceOverview> GetOverviewAsync(AccessScope scope, Guid? merchantId = null, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var visible = (await merchants.ListMerchantsAsync(scope, ct: ct))
            .Where(m => scope.CanSee(m.Id) && (merchantId is null || m.Id == merchantId))
            .ToList();
        var inForce = (await queries.ListInForceAsync(scope, ct)).ToLookup(p => p.MerchantId);
        var catalogue = await releases.ListAllAsync(ct);

        var merchantRows = new List<MerchantCompliance>();
        var rollouts = new List<RolloutProgress>();
        var latency = new List<PatchLatency>();
        foreach (var merchant in visible)
        {
            var devices = await inventory.ListAsync(merchant.Id, ct);
            var policies = inForce[merchant.Id].ToList();
            var records = await ledger.ListAsync(scope, merchant.Id, now - LatencyPeriod, ct);
            var latest = PatchInstallLedger.Latest(records);

            var states = devices.ToDictionary(d => d.Id, d => WorstState(d, policies, latest.GetValueOrDefault(d.Id) ?? [], now));
            var stores = (await merchants.ListStoresAsync(scope, merchant.Id, ct)).ToDictionary(s => s.Id, s => s.Name);
            var storeRows = devices.Where(d => states[d.Id] is not null)
                .GroupBy(d => d.StoreId)
                .Select(g => new StoreCompliance(g.Key, g.Key is { } id && stores.TryGetValue(id, out var name) ? name : "No store",
                    ComplianceCounts.From(g.Select(d => states[d.Id]!.Value))))
                .OrderBy(s => s.StoreName, StringComparer.CurrentCulture)
                .ToList();
            merchantRows.Add(new MerchantCompliance(merchant.Id, merchant.Name,
                ComplianceCounts.From(states.Values.Where(s => s is not null).Select(s => s!.Value)),
                states.Values.Count(s => s is null), storeRows));

            rollouts.AddRange(policies.Select(p => RolloutProgressCalculator.Compute(p, devices, records)));
            latency.Add(Latency(merchant, records, catalogue));
        }

        return new ComplianceOverview(merchantRows, rollouts.OrderBy(r => r.PolicyName, StringComparer.CurrentCulture).ToList(), latency);
    }

    /// <summary>The device's state under every active policy targeting it (the worst counts); null when none does.</summary>
    private static DeviceComplianceState? WorstState(DeviceSnapshot device, IReadOnlyList<PatchPolicy> policies, IReadOnlyList<LatestInstall> latest, DateTimeOffset now)
    {
        var states = policies.Where(p => p.Definition.Target.Matches(device))
            .Select(p => DeviceComplianceRules.Evaluate(p.Definition, device, latest, now))
            .ToList();
        return states.Count == 0 ? null : states.MaxBy(Severity);
    }

    private static int Severity(DeviceComplianceState state) => state switch
    {
        DeviceComplianceState.Overdue => 5,
        DeviceComplianceState.Failed => 4,
        DeviceComplianceState.Unknown => 3,
        DeviceComplianceState.InRollout => 2,
        _ => 1,
    };

    internal static PatchLatency Latency(Merchant merchant, IReadOnlyList<InstallRecord> records, IReadOnlyList<PatchRelease> catalogue)
    {
        var byComponent = catalogue.ToLookup(r => r.Component);
        var samples = records.Where(r => r.Succeeded)
            .Select(r => (Record: r, Release: byComponent[r.Component].FirstOrDefault(rel => PatchVersion.Compare(rel.Version, r.Version) == 0)))
            .Where(x => x.Release is not null)
            .GroupBy(x => (x.Record.DeviceId, x.Release!.Id))
            .Select(g => g.MinBy(x => x.Record.OccurredAt))
            .Select(x => (Days: PatchDeadlines.LatencyDays(x.Release!.ReleasedAt, x.Record.OccurredAt), x.Release!.Severity))
            .ToList();
        if (samples.Count == 0)
        {
            return new PatchLatency(merchant.Id, merchant.Name, 0, null, null, 0, 0);
        }

        var days = samples.Select(s => s.Days).Order().ToList();
        var median = days.Count % 2 == 1 ? days[days.Count / 2] : (days[days.Count / 2 - 1] + days[days.Count / 2]) / 2;
        var critical = samples.Where(s => s.Severity == ReleaseSeverity.Critical).ToList();
        return new PatchLatency(merchant.Id, merchant.Name, samples.Count, Math.Round(median, 1), Math.Round(days[^1], 1),
            critical.Count, critical.Count(s => s.Days <= PatchDeadlines.CriticalDays));
    }
}
