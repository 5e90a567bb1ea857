using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace AdminPortal.Features.Devices.Api;

// The device API's wire contract (camelCase JSON). Fields are nullable so that a missing one is reported by name
// (422) rather than as unreadable JSON; [Required] documents them in the OpenAPI description.

/// <summary>Exchanges a one-time enrollment code for a device credential.</summary>
public sealed record EnrollRequest(
    [property: Required, Description("The one-time code from the portal (XXXX-XXXX-XXXX; case, spaces and dashes ignored).")] string? EnrollmentCode,
    [property: Required, Description("The terminal's serial number: letters, digits, '.', '-', '_', '/'; at most 64.")] string? SerialNumber,
    [property: Required] string? Model,
    [property: Required] string? Manufacturer,
    [property: Required] string? OsVersion,
    [property: Required] string? FirmwareVersion,
    [property: Required] string? AppVersion);

public sealed record EnrollResponse(
    Guid DeviceId,
    [property: Description("Send as 'Authorization: Bearer <deviceSecret>' on every other call. Shown once; the portal keeps only a hash.")] string DeviceSecret,
    int CheckInIntervalSeconds);

public sealed record CheckInRequest(
    [property: Required] string? OsVersion,
    [property: Required] string? FirmwareVersion,
    [property: Required] string? AppVersion,
    [property: Required, Range(0, 100)] int? BatteryPercent,
    [property: Required] NetworkReport? Network,
    LocationReport? Location,
    [property: Required] TamperReport? Tamper,
    SecurityReport? Security,
    [property: Description("Install attempts since the last answered check-in (the effective patch policy's instructions).")]
    IReadOnlyList<InstallReportMessage>? Installs = null);

/// <summary>One install attempt. <c>reportId</c> is the terminal's idempotency key: a report sent again is recorded once.</summary>
public sealed record InstallReportMessage(
    [property: Required] Guid? ReportId,
    [property: Required, Description("os | firmware | paymentApp")] string? Component,
    [property: Required, Description("The version installed or attempted: dotted numbers such as 13.2 or 4.10.1.")] string? Version,
    [property: Required, Description("succeeded | failed")] string? Status,
    [property: MaxLength(500)] string? Detail,
    [property: Description("When the attempt ended; the check-in's time when left out.")] DateTimeOffset? OccurredAt);

public sealed record NetworkReport(
    [property: Required, Description("wifi | cellular | ethernet")] string? Type,
    [property: Required] bool? Encrypted);

public sealed record LocationReport(
    [property: Required, Range(-90, 90)] double? Lat,
    [property: Required, Range(-180, 180)] double? Lon,
    [property: Range(0, 1_000_000)] double? AccuracyMeters);

public sealed record TamperReport(
    [property: Required, Description("ok | tampered")] string? State,
    [property: MaxLength(500)] string? Detail);

public sealed record SecurityReport(bool? Rooted, bool? P2peKeysLoaded);

public sealed record CheckInResponse(
    IReadOnlyList<CommandMessage> Commands,
    [property: Description("The device's effective patch policy, or null when none applies.")] object? PatchPolicy,
    int NextCheckInSeconds);

public sealed record CommandMessage(
    Guid Id,
    [property: Description("lock | unlock | reboot | wipe | retire")] string Type,
    IReadOnlyDictionary<string, string> Parameters);

public sealed record AckRequest(
    [property: Required, Description("succeeded | failed")] string? Status,
    [property: MaxLength(500)] string? Detail);

public sealed record AckResponse(Guid Id, [property: Description("The command's status after the acknowledgement.")] string Status);
