using AdminPortal.Features.Patching;

namespace AdminPortal.IntegrationTests.Patching;

/// <summary>Stands in for the Devices slice in tests: a list of snapshots we edit as terminals would report.</summary>
internal sealed class InMemoryDeviceInventory : IDeviceInventory
{
    private readonly List<DeviceSnapshot> _devices = [];

    public IReadOnlyList<DeviceSnapshot> Devices => _devices;

    public Task<IReadOnlyList<DeviceSnapshot>> ListAsync(Guid merchantId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<DeviceSnapshot>>(_devices.Where(d => d.MerchantId == merchantId).ToList());

    public Task<DeviceSnapshot?> FindAsync(Guid merchantId, Guid deviceId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_devices.FirstOrDefault(d => d.MerchantId == merchantId && d.Id == deviceId));

    public DeviceSnapshot Add(Guid merchantId, string os, Guid? storeId = null, string model = "A920", string? timeZone = "Europe/Berlin", Guid? id = null)
    {
        var device = new DeviceSnapshot(id ?? Guid.NewGuid(), merchantId, storeId, model, [],
            new Dictionary<PatchComponent, string> { [PatchComponent.Os] = os }, DateTimeOffset.UtcNow, StoreTimeZone: timeZone);
        _devices.Add(device);
        return device;
    }

    public void AddMany(Guid merchantId, int count, string os, Guid? storeId = null)
    {
        for (var i = 0; i < count; i++)
        {
            Add(merchantId, os, storeId);
        }
    }

    /// <summary>The device reports a new version at check-in.</summary>
    public void Report(Guid deviceId, PatchComponent component, string version)
    {
        var index = _devices.FindIndex(d => d.Id == deviceId);
        var versions = new Dictionary<PatchComponent, string>(_devices[index].ReportedVersions) { [component] = version };
        _devices[index] = _devices[index] with { ReportedVersions = versions };
    }
}
