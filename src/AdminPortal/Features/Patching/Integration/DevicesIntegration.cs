using AdminPortal.Features.Devices;
using AdminPortal.Features.Merchants;
using AdminPortal.Features.Merchants.Access;

namespace AdminPortal.Features.Patching;

/// <summary>
/// Patching's view of the Devices slice's terminals, read through Devices' C# API (never its SQL), tags included, so a
/// policy targeting a tag covers exactly the devices carrying it.
/// </summary>
internal sealed class DevicesInventory(DeviceDirectory devices, MerchantDirectory merchants) : IDeviceInventory
{
    // The callers (compliance reports, the rollout supervisor, the check-in) have already established that the merchant
    // is theirs to read; this reads exactly that one merchant.
    private static AccessScope MerchantOnly(Guid merchantId) => new(null, false, [new MerchantGrant(merchantId, MerchantRole.ComplianceOfficer)]);

    public async Task<IReadOnlyList<DeviceSnapshot>> ListAsync(Guid merchantId, CancellationToken cancellationToken = default)
    {
        var zones = await StoreZonesAsync(merchantId, cancellationToken);
        var list = await devices.ListInServiceAsync(MerchantOnly(merchantId), merchantId, cancellationToken);
        return list.Select(d => Snapshot(d, zones)).ToList();
    }

    public async Task<DeviceSnapshot?> FindAsync(Guid merchantId, Guid deviceId, CancellationToken cancellationToken = default)
    {
        var device = await devices.GetAsync(MerchantOnly(merchantId), deviceId, cancellationToken);
        return device is null || device.MerchantId != merchantId ? null : Snapshot(device, await StoreZonesAsync(merchantId, cancellationToken));
    }

    private async Task<Dictionary<Guid, string>> StoreZonesAsync(Guid merchantId, CancellationToken ct) =>
        (await merchants.ListStoresUnscopedAsync(merchantId, ct)).ToDictionary(s => s.Id, s => s.TimeZone);

    internal static DeviceSnapshot Snapshot(Device device, IReadOnlyDictionary<Guid, string> storeZones)
    {
        var versions = new Dictionary<PatchComponent, string>();
        if (device.OsVersion is { } os) versions[PatchComponent.Os] = os;
        if (device.FirmwareVersion is { } firmware) versions[PatchComponent.Firmware] = firmware;
        if (device.AppVersion is { } app) versions[PatchComponent.PaymentApp] = app;
        return new DeviceSnapshot(device.Id, device.MerchantId, device.StoreId, device.Model ?? "", device.Tags, versions, device.LastSeenAt,
            device.SerialNumber, storeZones.GetValueOrDefault(device.StoreId));
    }
}

/// <summary>
/// Patching's side of the check-in: the <c>patchPolicy</c> answer (through Devices' <see cref="IDevicePolicyProvider"/>)
/// and the install reports terminals send (through <see cref="IDeviceInstallReportSink"/>) into the install ledger.
/// </summary>
internal sealed class CheckInPatchPolicy(IDeviceInventory inventory, PatchPolicyProvider policies, PatchPolicyQueries queries, PatchInstallLedger ledger)
    : IDevicePolicyProvider, IDeviceInstallReportSink
{
    public async Task<object?> GetEffectivePolicyAsync(DeviceCheckInNotice checkIn, CancellationToken cancellationToken)
    {
        // Policies first (kept in memory per merchant): a merchant with none in force, the common case, is answered
        // without reading the device, its tags and its store (three queries on every check-in before).
        var inForce = await queries.ListInForceForCheckInAsync(checkIn.MerchantId, cancellationToken);
        if (inForce.Count == 0)
        {
            return null;
        }

        // The snapshot is read after the check-in committed, so it holds the versions the terminal just reported.
        var device = await inventory.FindAsync(checkIn.MerchantId, checkIn.DeviceId, cancellationToken);
        return device is null ? null : await policies.GetEffectivePolicyAsync(device, inForce, cancellationToken);
    }

    public async Task RecordAsync(DeviceCheckInNotice checkIn, IReadOnlyList<DeviceInstallReport> installs, CancellationToken cancellationToken)
    {
        // The policy the attempt answered: the one in force for the device now (a report names no policy on the wire).
        var device = await inventory.FindAsync(checkIn.MerchantId, checkIn.DeviceId, cancellationToken);
        var governing = device is null ? null : await policies.GetEffectivePolicyAsync(device, cancellationToken);
        foreach (var install in installs)
        {
            var component = install.Component switch
            {
                "os" => PatchComponent.Os,
                "firmware" => PatchComponent.Firmware,
                _ => PatchComponent.PaymentApp,
            };
            await ledger.RecordAsync(new InstallReport(install.ReportId, checkIn.MerchantId, checkIn.DeviceId, component, install.Version,
                install.Succeeded, install.OccurredAt, install.Detail, governing?.PolicyId),
                cancellationToken);
        }
    }
}
