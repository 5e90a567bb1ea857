using System.Security.Claims;
using AdminPortal.Features.Audit;

namespace AdminPortal.Features.Devices;

/// <summary>Life cycle of a terminal: pending (pre-registered) → active → locked / lost-or-stolen / retired / wiped.</summary>
public enum DeviceStatus
{
    /// <summary>Expected (imported serial) but not enrolled yet.</summary>
    Pending = 0,
    Active = 1,
    Locked = 2,
    LostOrStolen = 3,
    Retired = 4,
    Wiped = 5,
}

public enum TamperState
{
    Ok = 0,
    Tampered = 1,
}

public enum DeviceAlertKind
{
    Tamper = 1,
    Rooted = 2,
    FarFromStore = 3,
    Offline = 4,
}

/// <summary>One terminal as the portal shows it.</summary>
public sealed class Device
{
    public Guid MerchantId { get; init; }
    public Guid Id { get; init; }
    public Guid StoreId { get; init; }
    public required string SerialNumber { get; init; }
    public string? Model { get; init; }
    public string? Manufacturer { get; init; }
    public DeviceStatus Status { get; init; }
    public string? OsVersion { get; init; }
    public string? FirmwareVersion { get; init; }
    public string? AppVersion { get; init; }
    public int? BatteryPercent { get; init; }
    public string? NetworkType { get; init; }
    public bool? NetworkEncrypted { get; init; }
    public double? Latitude { get; init; }
    public double? Longitude { get; init; }
    public double? LocationAccuracyMeters { get; init; }
    public double? DistanceFromStoreMeters { get; init; }
    public TamperState TamperState { get; init; }
    public string? TamperDetail { get; init; }
    public bool? Rooted { get; init; }
    public bool? P2peKeysLoaded { get; init; }
    public int CheckInIntervalSeconds { get; init; }
    public bool IsOnline { get; init; }
    public DateTimeOffset? EnrolledAt { get; init; }
    public DateTimeOffset? LastSeenAt { get; init; }
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The device's tags, normalised and alphabetical (filled by <see cref="DeviceDirectory"/> from device_tags).</summary>
    public IReadOnlyList<string> Tags { get; internal set; } = [];

    /// <summary>Wi-Fi without encryption: card-present traffic is end-to-end encrypted, but the terminal is exposed.</summary>
    public bool OnOpenWifi => NetworkType == "wifi" && NetworkEncrypted == false;
}

/// <summary>A device row with the names the list shows.</summary>
public sealed class DeviceListItem
{
    public Guid MerchantId { get; init; }
    public Guid Id { get; init; }
    public Guid StoreId { get; init; }
    public required string SerialNumber { get; init; }
    public string? Model { get; init; }
    public DeviceStatus Status { get; init; }
    public string? OsVersion { get; init; }
    public string? FirmwareVersion { get; init; }
    public string? AppVersion { get; init; }
    public int? BatteryPercent { get; init; }
    public TamperState TamperState { get; init; }
    public bool IsOnline { get; init; }
    public DateTimeOffset? LastSeenAt { get; init; }
}

public sealed class DeviceCheckInRecord
{
    public Guid Id { get; init; }
    public DateTimeOffset ReceivedAt { get; init; }
    public required string OsVersion { get; init; }
    public required string FirmwareVersion { get; init; }
    public required string AppVersion { get; init; }
    public int BatteryPercent { get; init; }
    public required string NetworkType { get; init; }
    public bool NetworkEncrypted { get; init; }
    public double? Latitude { get; init; }
    public double? Longitude { get; init; }
    public TamperState TamperState { get; init; }
    public string? TamperDetail { get; init; }
    public bool? Rooted { get; init; }
}

public sealed class DeviceAlert
{
    public Guid MerchantId { get; init; }
    public Guid Id { get; init; }
    public Guid DeviceId { get; init; }
    public DeviceAlertKind Kind { get; init; }
    public required string Detail { get; init; }
    public DateTimeOffset RaisedAt { get; init; }
    public DateTimeOffset? ResolvedAt { get; init; }
    public string? ResolvedBy { get; init; }
}

/// <summary>
/// Who acts in the portal (or "command line"); recorded with every command and in the audit log. A person carries
/// their signed-in <see cref="User"/>, so the command service can demand a fresh step-up for lock, wipe and retire
/// itself; only an explicit <see cref="System"/> actor (no person: the command line, the simulator) goes without.
/// </summary>
public sealed record DeviceActor(Guid? PersonId, string Name, string? IpAddress = null, string? UserAgent = null, ClaimsPrincipal? User = null)
{
    public static readonly DeviceActor CommandLine = System("command line");

    /// <summary>True only for actors made by <see cref="System"/>: work no person started, audited under its name.</summary>
    public bool IsSystem { get; private init; }

    public static DeviceActor System(string name) => new(null, name) { IsSystem = true };

    /// <summary>The audit entry of this actor's action on one device: the fields every device action records.</summary>
    public AuditEvent AuditOf(Guid merchantId, Guid deviceId, string action, string summary) => new()
    {
        Category = "devices",
        Action = action,
        Summary = summary,
        ActorId = PersonId,
        ActorName = Name,
        MerchantId = merchantId,
        TargetType = "device",
        TargetId = deviceId.ToString(),
        IpAddress = IpAddress,
        UserAgent = UserAgent,
    };
}

/// <summary>A device id the caller may not see, or that does not exist: both answer "not found".</summary>
public sealed class DeviceNotFoundException(Guid id) : Exception($"Device {id} was not found.");

/// <summary>The person may see the merchant but lacks the role the action needs.</summary>
public sealed class DeviceActionDeniedException(string message) : Exception(message);
