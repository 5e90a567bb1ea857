using System.Data.Common;
using AdminPortal.Features.Audit;
using AdminPortal.Features.Devices.Api;
using AdminPortal.Features.Devices.Commands;
using AdminPortal.Infrastructure.Database;
using Dapper;
using Microsoft.Extensions.Options;

namespace AdminPortal.Features.Devices.CheckIns;

/// <summary>One check-in to write: the device, what it reported, when, and its store's position (read beforehand).</summary>
public sealed record CheckInWork(DeviceIdentity Device, CheckInReport Report, DateTimeOffset ReceivedAt, double? StoreLatitude, double? StoreLongitude);

/// <summary>The committed result: the commands to hand over and what changed for live pages.</summary>
public sealed record CheckInOutcome(bool Accepted, IReadOnlyList<(Guid Id, DeviceCommandType Type)> Commands, IReadOnlyList<DeviceChange> Changes);

/// <summary>
/// Writes one check-in inside a transaction the caller owns (the group-commit writer batches many): updates the device's
/// current state, appends the history row, raises alerts on a change for the worse, and marks open commands delivered.
/// </summary>
public sealed class CheckInProcessor(IDbConnectionFactory db, IAuditLog audit, IOptions<DeviceOptions> options)
{
    private const string ReadState =
        """
        SELECT status AS Status, tamper_state AS TamperState, rooted AS Rooted, is_online AS IsOnline, distance_from_store_m AS DistanceFromStoreMeters,
               location_accuracy_m AS LocationAccuracyMeters
        FROM devices WHERE merchant_id = @MerchantId AND id = @DeviceId
        """;

    private const string UpdateDevice =
        """
        UPDATE devices SET os_version = @OsVersion, firmware_version = @FirmwareVersion, app_version = @AppVersion,
               battery_percent = @BatteryPercent, network_type = @NetworkType, network_encrypted = @NetworkEncrypted,
               latitude = @Latitude, longitude = @Longitude, location_accuracy_m = @AccuracyMeters, distance_from_store_m = @distance,
               tamper_state = @TamperState, tamper_detail = @TamperDetail, rooted = @Rooted, p2pe_keys_loaded = @P2peKeysLoaded,
               is_online = @online, offline_after = @offlineAfter, last_seen_at = @now, updated_at = @now
        WHERE merchant_id = @merchantId AND id = @deviceId
        """;

    private const string InsertCheckIn =
        """
        INSERT INTO device_check_ins (merchant_id, id, device_id, received_at, os_version, firmware_version, app_version, battery_percent,
                                      network_type, network_encrypted, latitude, longitude, location_accuracy_m, tamper_state, tamper_detail,
                                      rooted, p2pe_keys_loaded)
        VALUES (@merchantId, @id, @deviceId, @now, @OsVersion, @FirmwareVersion, @AppVersion, @BatteryPercent,
                @NetworkType, @NetworkEncrypted, @Latitude, @Longitude, @AccuracyMeters, @TamperState, @TamperDetail, @Rooted, @P2peKeysLoaded)
        """;

    private const string InsertAlert =
        """
        INSERT INTO device_alerts (merchant_id, id, device_id, kind, detail, raised_at)
        VALUES (@merchantId, @id, @deviceId, @kind, @detail, @now)
        """;

    private const string ResolveOfflineAlerts =
        """
        UPDATE device_alerts SET resolved_at = @now, resolved_by = 'the device checked in again'
        WHERE merchant_id = @merchantId AND device_id = @deviceId AND kind = @kind AND resolved_at IS NULL
        """;

    private const string OpenCommands =
        """
        SELECT id AS Id, type AS Type, status AS Status FROM device_commands
        WHERE merchant_id = @merchantId AND device_id = @deviceId AND status IN (0, 1) AND expires_at > @now
        ORDER BY issued_at
        """;

    public async Task<CheckInOutcome> ApplyAsync(DbConnection connection, DbTransaction transaction, CheckInWork work, CancellationToken ct)
    {
        var (device, report, now) = (work.Device, work.Report, work.ReceivedAt);
        var before = await connection.QuerySingleOrDefaultAsync<StateRow>(new CommandDefinition(ReadState, device, transaction, cancellationToken: ct));
        if (before is null || before.Status is DeviceStatus.Retired or DeviceStatus.Wiped or DeviceStatus.Pending)
        {
            // Retired or wiped between authentication and this write.
            return new CheckInOutcome(false, [], []);
        }

        double? distance = report.Latitude is { } lat && report.Longitude is { } lon && work.StoreLatitude is { } sLat && work.StoreLongitude is { } sLon
            ? Math.Round(StoreLocations.DistanceMeters(lat, lon, sLat, sLon), 1)
            : null;
        var keys = new { merchantId = device.MerchantId, deviceId = device.DeviceId, now };
        var settings = options.Value;
        var parameters = new DynamicParameters(report);
        parameters.AddDynamicParams(keys);
        parameters.AddDynamicParams(new
        {
            id = Guid.NewGuid(), distance, online = true,
            offlineAfter = now + settings.OfflineAfter(device.CheckInIntervalSeconds),
        });
        await connection.ExecuteAsync(new CommandDefinition(UpdateDevice, parameters, transaction, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(InsertCheckIn, parameters, transaction, cancellationToken: ct));

        var changes = new List<DeviceChange>();
        if (!before.IsOnline)
        {
            changes.Add(DeviceChange.CameOnline);
            await connection.ExecuteAsync(new CommandDefinition(
                ResolveOfflineAlerts, new { keys.merchantId, keys.deviceId, keys.now, kind = (int)DeviceAlertKind.Offline }, transaction, cancellationToken: ct));
        }

        foreach (var (kind, detail) in NewProblems(before, report, distance, settings.FarFromStoreMeters))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                InsertAlert, new { keys.merchantId, id = Guid.NewGuid(), keys.deviceId, kind = (int)kind, detail, keys.now }, transaction, cancellationToken: ct));
            await audit.RecordAsync(new AuditEvent
            {
                Category = "devices",
                Action = kind switch
                {
                    DeviceAlertKind.Tamper => "device.tamper-reported",
                    DeviceAlertKind.Rooted => "device.rooted-reported",
                    _ => "device.far-from-store",
                },
                Outcome = AuditOutcome.Failure,
                Summary = $"Terminal {device.SerialNumber}: {detail}",
                ActorName = $"terminal {device.SerialNumber}",
                MerchantId = device.MerchantId,
                TargetType = "device",
                TargetId = device.DeviceId.ToString(),
            }, connection, transaction, ct);
            changes.Add(DeviceChange.AlertRaised);
        }

        var open = (await connection.QueryAsync<OpenCommand>(new CommandDefinition(OpenCommands, keys, transaction, cancellationToken: ct))).AsList();
        var queued = open.Where(c => c.Status == DeviceCommandStatus.Queued).Select(c => c.Id).ToArray();
        if (queued.Length > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                $"UPDATE device_commands SET status = 1, delivered_at = @now WHERE merchant_id = @merchantId AND {db.Dialect.AnyOf("id", "ids")}",
                new { now, keys.merchantId, ids = queued }, transaction, cancellationToken: ct));
            changes.Add(DeviceChange.CommandChanged);
        }

        return new CheckInOutcome(true, open.Select(c => (c.Id, c.Type)).ToList(), changes);
    }

    /// <summary>Alerts are raised when a problem starts, not at every check-in that still reports it.</summary>
    private static IEnumerable<(DeviceAlertKind Kind, string Detail)> NewProblems(StateRow before, CheckInReport report, double? distance, double farMeters)
    {
        if (report.TamperState == TamperState.Tampered && before.TamperState != TamperState.Tampered)
        {
            yield return (DeviceAlertKind.Tamper, "reported tampering" + (report.TamperDetail is { } d ? $": {Truncate(d, 200)}" : "."));
        }

        if (report.Rooted == true && before.Rooted != true)
        {
            yield return (DeviceAlertKind.Rooted, "reports a rooted operating system.");
        }

        var farNow = IsFar(distance, report.AccuracyMeters, farMeters);
        if (farNow && !IsFar(before.DistanceFromStoreMeters, before.LocationAccuracyMeters, farMeters))
        {
            yield return (DeviceAlertKind.FarFromStore, $"seen {distance!.Value / 1000:0.0} km from its store.");
        }
    }

    private static bool IsFar(double? distance, double? accuracy, double farMeters) => distance - (accuracy ?? 0) > farMeters;

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length] + "…";

    private sealed class StateRow
    {
        public DeviceStatus Status { get; init; }
        public TamperState TamperState { get; init; }
        public bool? Rooted { get; init; }
        public bool IsOnline { get; init; }
        public double? DistanceFromStoreMeters { get; init; }
        public double? LocationAccuracyMeters { get; init; }
    }

    private sealed class OpenCommand
    {
        public Guid Id { get; init; }
        public DeviceCommandType Type { get; init; }
        public DeviceCommandStatus Status { get; init; }
    }
}
