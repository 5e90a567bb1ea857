namespace AdminPortal.Features.Devices.Commands;

public enum DeviceCommandType
{
    Lock = 1,
    Unlock = 2,
    Reboot = 3,
    Wipe = 4,
    Retire = 5,
}

/// <summary>queued → delivered (returned at a check-in) → succeeded / failed (acknowledged) or expired.</summary>
public enum DeviceCommandStatus
{
    Queued = 0,
    Delivered = 1,
    Succeeded = 2,
    Failed = 3,
    Expired = 4,
}

public sealed class DeviceCommand
{
    public Guid MerchantId { get; init; }
    public Guid Id { get; init; }
    public Guid DeviceId { get; init; }
    public DeviceCommandType Type { get; init; }
    public DeviceCommandStatus Status { get; init; }
    public Guid? IssuedById { get; init; }
    public required string IssuedByName { get; init; }
    public DateTimeOffset IssuedAt { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? DeliveredAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
    public string? ResultDetail { get; init; }

    public bool IsOpen => Status is DeviceCommandStatus.Queued or DeviceCommandStatus.Delivered;
}

public static class DeviceCommandNames
{
    /// <summary>The wire name of a command type (<c>lock</c>, <c>wipe</c>…).</summary>
    public static string WireName(this DeviceCommandType type) => type.ToString().ToLowerInvariant();

    public static string WireName(this DeviceCommandStatus status) => status.ToString().ToLowerInvariant();

    /// <summary>Wipe and retire cannot be undone: they need step-up and a typed confirmation.</summary>
    public static bool IsDestructive(this DeviceCommandType type) => type is DeviceCommandType.Wipe or DeviceCommandType.Retire;
}
