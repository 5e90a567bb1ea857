namespace AdminPortal.Features.Patching;

/// <summary>
/// What Patching needs to know about a terminal. The Devices slice fills it from its own tables
/// (Patching never reads device SQL); reported versions are the ones the terminal sent at its last check-in.
/// </summary>
public sealed record DeviceSnapshot(
    Guid Id,
    Guid MerchantId,
    Guid? StoreId,
    string Model,
    IReadOnlyList<string> Tags,
    IReadOnlyDictionary<PatchComponent, string> ReportedVersions,
    DateTimeOffset? LastSeenAt,
    string? Serial = null,
    string? StoreTimeZone = null)
{
    public string? VersionOf(PatchComponent component) => ReportedVersions.TryGetValue(component, out var version) ? version : null;
}

/// <summary>
/// The device snapshots of a merchant: <see cref="DevicesInventory"/> reads them through the Devices slice's C# API;
/// tests substitute an in-memory inventory.
/// </summary>
public interface IDeviceInventory
{
    /// <summary>Every non-retired device of the merchant.</summary>
    Task<IReadOnlyList<DeviceSnapshot>> ListAsync(Guid merchantId, CancellationToken cancellationToken = default);

    /// <summary>One device of the merchant, or null (also when the device belongs to another merchant).</summary>
    Task<DeviceSnapshot?> FindAsync(Guid merchantId, Guid deviceId, CancellationToken cancellationToken = default);
}
