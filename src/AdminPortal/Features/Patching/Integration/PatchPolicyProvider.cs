namespace AdminPortal.Features.Patching;

/// <summary>
/// The check-in's entry point into Patching: the device's effective patch policy (null when no active policy targets it).
/// The Devices slice calls it from <c>POST /api/v1/devices/checkin</c> (through its own provider interface) and puts the
/// answer in <c>patchPolicy</c>.
/// </summary>
public sealed class PatchPolicyProvider(PatchPolicyQueries queries, PatchInstallLedger ledger, TimeProvider clock)
{
    public async Task<EffectivePatchPolicy?> GetEffectivePolicyAsync(DeviceSnapshot device, CancellationToken ct = default) =>
        await GetEffectivePolicyAsync(device, await queries.ListInForceAsync(device.MerchantId, ct), ct);

    /// <summary>The same, given the merchant's policies in force already read (<see cref="PatchPolicyQueries.ListInForceAsync(Guid, CancellationToken)"/>).</summary>
    public async Task<EffectivePatchPolicy?> GetEffectivePolicyAsync(DeviceSnapshot device, IReadOnlyList<PatchPolicy> policies, CancellationToken ct = default)
    {
        if (policies.Count == 0)
        {
            return null;
        }

        var latest = await ledger.LatestForDeviceAsync(device.MerchantId, device.Id, ct);
        return EffectivePolicyResolver.Resolve(device, policies.Select(p => p.ToPolicyInForce()), latest, clock.GetUtcNow());
    }
}
