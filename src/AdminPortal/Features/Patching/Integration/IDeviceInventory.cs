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
/// The device snapshots of a merchant — implemented by the Devices slice (registered as a singleton or scoped service).
/// Until it lands the portal registers <see cref="NoDeviceInventory"/>, so compliance pages show empty states.
/// </summary>
public interface IDeviceInventory
{
    /// <summary>Every non-retired device of the merchant.</summary>
    Task<IReadOnlyList<DeviceSnapshot>> ListAsync(Guid merchantId, CancellationToken cancellationToken = default);

    /// <summary>One device of the merchant, or null (also when the device belongs to another merchant).</summary>
    Task<DeviceSnapshot?> FindAsync(Guid merchantId, Guid deviceId, CancellationToken cancellationToken = default);
}

/// <summary>Stands in until the Devices slice registers its inventory: no devices.</summary>
internal sealed class NoDeviceInventory : IDeviceInventory
{
    public Task<IReadOnlyList<DeviceSnapshot>> ListAsync(Guid merchantId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<DeviceSnapshot>>([]);

    public Task<DeviceSnapshot?> FindAsync(Guid merchantId, Guid deviceId, CancellationToken cancellationToken = default) =>
        Task.FromResult<DeviceSnapshot?>(null);
}
