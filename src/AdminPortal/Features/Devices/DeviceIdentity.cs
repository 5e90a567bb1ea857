namespace AdminPortal.Features.Devices;

/// <summary>The terminal behind an authenticated device API request.</summary>
public sealed record DeviceIdentity(
    Guid MerchantId,
    Guid DeviceId,
    Guid StoreId,
    string SerialNumber,
    DeviceStatus Status,
    int CheckInIntervalSeconds);
