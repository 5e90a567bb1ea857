using System.Text.RegularExpressions;
using AdminPortal.Features.Devices.Enrollment;

namespace AdminPortal.Features.Devices.Api;

/// <summary>A check-in after validation: every required field present and in range.</summary>
public sealed record CheckInReport(
    string OsVersion, string FirmwareVersion, string AppVersion, int BatteryPercent, string NetworkType, bool NetworkEncrypted,
    double? Latitude, double? Longitude, double? AccuracyMeters, TamperState TamperState, string? TamperDetail, bool? Rooted, bool? P2peKeysLoaded);

/// <summary>
/// Field rules of the device API. Each method returns the validated value or the errors keyed by the field's
/// JSON path, which the API answers as 422 problem+json.
/// </summary>
public static partial class DeviceRequestValidation
{
    public const int MaxVersionLength = 64;
    public const int MaxDetailLength = 500;
    public static readonly string[] NetworkTypes = ["wifi", "cellular", "ethernet"];
    public static readonly string[] TamperStates = ["ok", "tampered"];
    public static readonly string[] AckStatuses = ["succeeded", "failed"];
    public static readonly string[] InstallComponents = ["os", "firmware", "paymentApp"];
    public const int MaxInstallsPerCheckIn = 20;

    [GeneratedRegex("^[0-9]{1,9}(\\.[0-9]{1,9}){0,5}$")]
    private static partial Regex DottedVersionPattern();

    [GeneratedRegex("^[A-Za-z0-9._/-]{1,64}$")]
    private static partial Regex SerialPattern();

    public const string IdempotencyKeyHeader = "Idempotency-Key";

    [GeneratedRegex("^[A-Za-z0-9_:.-]{1,64}$")]
    private static partial Regex IdempotencyKeyPattern();

    /// <summary>
    /// The optional <c>Idempotency-Key</c> header: absent is fine (null); present, it must be 1–64 characters of
    /// letters, digits and <c>- _ : .</c>, sent once. A card number was already refused by the request reader's header scan.
    /// </summary>
    public static (string? Key, Dictionary<string, string[]> Errors) ValidateIdempotencyKey(IHeaderDictionary headers)
    {
        var errors = new Dictionary<string, string[]>();
        if (!headers.TryGetValue(IdempotencyKeyHeader, out var values))
        {
            return (null, errors);
        }

        if (values.Count != 1 || values[0] is not { } key || !IdempotencyKeyPattern().IsMatch(key))
        {
            errors[IdempotencyKeyHeader] = ["Send one key of 1–64 characters: letters, digits, '-', '_', ':' or '.'."];
            return (null, errors);
        }

        return (key, errors);
    }

    public static (EnrollmentDetails? Details, Dictionary<string, string[]> Errors) Validate(EnrollRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        var code = Required(errors, "enrollmentCode", request.EnrollmentCode, 32);
        var serial = Required(errors, "serialNumber", request.SerialNumber, 64);
        if (serial is not null && !SerialPattern().IsMatch(serial))
        {
            errors["serialNumber"] = ["Use letters, digits, '.', '-', '_' or '/' only."];
        }

        var model = Required(errors, "model", request.Model, MaxVersionLength);
        var manufacturer = Required(errors, "manufacturer", request.Manufacturer, MaxVersionLength);
        var os = Required(errors, "osVersion", request.OsVersion, MaxVersionLength);
        var firmware = Required(errors, "firmwareVersion", request.FirmwareVersion, MaxVersionLength);
        var app = Required(errors, "appVersion", request.AppVersion, MaxVersionLength);
        return errors.Count > 0
            ? (null, errors)
            : (new EnrollmentDetails(code!, serial!.ToUpperInvariant(), model!, manufacturer!, os!, firmware!, app!), errors);
    }

    public static (CheckInReport? Report, Dictionary<string, string[]> Errors) Validate(CheckInRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        var os = Required(errors, "osVersion", request.OsVersion, MaxVersionLength);
        var firmware = Required(errors, "firmwareVersion", request.FirmwareVersion, MaxVersionLength);
        var app = Required(errors, "appVersion", request.AppVersion, MaxVersionLength);
        if (request.BatteryPercent is null)
        {
            errors["batteryPercent"] = ["Required."];
        }
        else if (request.BatteryPercent is < 0 or > 100)
        {
            errors["batteryPercent"] = ["Must be from 0 to 100."];
        }

        string? networkType = null;
        if (request.Network is null)
        {
            errors["network"] = ["Required."];
        }
        else
        {
            networkType = OneOf(errors, "network.type", request.Network.Type, NetworkTypes);
            if (request.Network.Encrypted is null)
            {
                errors["network.encrypted"] = ["Required."];
            }
        }

        if (request.Location is { } location)
        {
            InRange(errors, "location.lat", location.Lat, -90, 90, required: true);
            InRange(errors, "location.lon", location.Lon, -180, 180, required: true);
            InRange(errors, "location.accuracyMeters", location.AccuracyMeters, 0, 1_000_000, required: false);
        }

        string? tamper = null;
        if (request.Tamper is null)
        {
            errors["tamper"] = ["Required."];
        }
        else
        {
            tamper = OneOf(errors, "tamper.state", request.Tamper.State, TamperStates);
            Optional(errors, "tamper.detail", request.Tamper.Detail, MaxDetailLength);
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (new CheckInReport(
            os!, firmware!, app!, request.BatteryPercent!.Value, networkType!, request.Network!.Encrypted!.Value,
            request.Location?.Lat, request.Location?.Lon, request.Location?.AccuracyMeters,
            tamper == "tampered" ? TamperState.Tampered : TamperState.Ok, Trim(request.Tamper!.Detail),
            request.Security?.Rooted, request.Security?.P2peKeysLoaded), errors);
    }

    /// <summary>The install reports of a check-in (none when the field is left out), or the errors naming <c>installs[i].field</c>.</summary>
    public static (IReadOnlyList<DeviceInstallReport> Installs, Dictionary<string, string[]> Errors) ValidateInstalls(
        IReadOnlyList<InstallReportMessage?>? installs, DateTimeOffset receivedAt)
    {
        var errors = new Dictionary<string, string[]>();
        var reports = new List<DeviceInstallReport>();
        if (installs is null)
        {
            return (reports, errors);
        }

        if (installs.Count > MaxInstallsPerCheckIn)
        {
            errors["installs"] = [$"At most {MaxInstallsPerCheckIn} install reports per check-in."];
            return (reports, errors);
        }

        for (var i = 0; i < installs.Count; i++)
        {
            var at = $"installs[{i}]";
            if (installs[i] is not { } install)
            {
                errors[at] = ["An install report is required here, not null."];
                continue;
            }

            var before = errors.Count;
            if (install.ReportId is null || install.ReportId == Guid.Empty)
            {
                errors[$"{at}.reportId"] = ["Required: a UUID the terminal keeps for this report (retries send the same one)."];
            }

            var component = OneOf(errors, $"{at}.component", install.Component, InstallComponents);
            var version = Trim(install.Version);
            if (version is null || !DottedVersionPattern().IsMatch(version))
            {
                errors[$"{at}.version"] = ["Required: dotted numbers such as 13.2 or 4.10.1."];
            }

            var status = OneOf(errors, $"{at}.status", install.Status, AckStatuses);
            Optional(errors, $"{at}.detail", install.Detail, MaxDetailLength);
            if (install.OccurredAt is { } occurred && occurred > receivedAt.AddMinutes(10))
            {
                errors[$"{at}.occurredAt"] = ["Lies in the future: check the terminal's clock."];
            }

            if (errors.Count == before)
            {
                reports.Add(new DeviceInstallReport(install.ReportId!.Value, component!, version!, status == "succeeded",
                    install.OccurredAt?.ToUniversalTime() ?? receivedAt, Trim(install.Detail)));
            }
        }

        return (reports, errors);
    }

    public static (bool Succeeded, string? Detail, Dictionary<string, string[]> Errors) Validate(AckRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        var status = OneOf(errors, "status", request.Status, AckStatuses);
        Optional(errors, "detail", request.Detail, MaxDetailLength);
        return (status == "succeeded", Trim(request.Detail), errors);
    }

    private static string? Required(Dictionary<string, string[]> errors, string field, string? value, int maxLength)
    {
        var trimmed = Trim(value);
        if (trimmed is null)
        {
            errors[field] = ["Required."];
            return null;
        }

        if (trimmed.Length > maxLength || trimmed.Any(char.IsControl))
        {
            errors[field] = [$"At most {maxLength} printable characters."];
            return null;
        }

        return trimmed;
    }

    private static void Optional(Dictionary<string, string[]> errors, string field, string? value, int maxLength)
    {
        if (value is not null && (value.Length > maxLength || value.Any(c => char.IsControl(c) && c is not ('\n' or '\t'))))
        {
            errors[field] = [$"At most {maxLength} printable characters."];
        }
    }

    private static string? OneOf(Dictionary<string, string[]> errors, string field, string? value, string[] allowed)
    {
        if (value is null)
        {
            errors[field] = ["Required."];
            return null;
        }

        if (!allowed.Contains(value))
        {
            errors[field] = [$"Must be one of: {string.Join(", ", allowed)}."];
            return null;
        }

        return value;
    }

    private static void InRange(Dictionary<string, string[]> errors, string field, double? value, double min, double max, bool required)
    {
        if (value is null)
        {
            if (required)
            {
                errors[field] = ["Required."];
            }
        }
        else if (double.IsNaN(value.Value) || value < min || value > max)
        {
            errors[field] = [$"Must be from {min} to {max}."];
        }
    }

    private static string? Trim(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
