using System.Data.Common;
using AdminPortal.Features.Audit;
using AdminPortal.Features.Devices.Api;
using AdminPortal.Features.Devices.Commands;
using AdminPortal.Infrastructure.Database;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AdminPortal.Features.Devices.CheckIns;

/// <summary>
/// One check-in to write: the device, what it reported, when, its store's position (read beforehand) and the terminal's
/// optional Idempotency-Key (a resent check-in carries the key of the first attempt).
/// </summary>
public sealed record CheckInWork(
    DeviceIdentity Device, CheckInReport Report, DateTimeOffset ReceivedAt, double? StoreLatitude, double? StoreLongitude, string? IdempotencyKey = null);

/// <summary>
/// The committed result: the commands to hand over and what changed for live pages. <paramref name="Repeated"/>: the
/// device already sent a check-in with this Idempotency-Key, so nothing was stored and the answer is the current one.
/// </summary>
public sealed record CheckInOutcome(
    bool Accepted, IReadOnlyList<(Guid Id, DeviceCommandType Type)> Commands, IReadOnlyList<DeviceChange> Changes, bool Repeated = false);

/// <summary>
/// Writes one check-in inside a transaction the caller owns (the group-commit writer batches many): updates the device's
/// current state, appends the history row, raises alerts on a change for the worse, and marks open commands delivered.
/// </summary>
public sealed class CheckInProcessor(IDbConnectionFactory db, IAuditLog audit, IOptions<DeviceOptions> options)
{
    // The batch's devices in one read: ids are unique across merchants, the merchant filter keeps the tenant index in use.
    private const string ReadStatesTemplate =
        """
        SELECT merchant_id AS MerchantId, id AS Id, status AS Status, tamper_state AS TamperState, rooted AS Rooted, is_online AS IsOnline,
               distance_from_store_m AS DistanceFromStoreMeters, location_accuracy_m AS LocationAccuracyMeters, app_version AS AppVersion
        FROM devices WHERE {0}
        """;

    // SQLite rewrites every index holding a column named in SET, whether or not its value changed (the choice is made
    // when the statement is prepared), and the app-version index entry of a device sits on a page of its own. A terminal
    // reports the same app version at nearly every check-in, so the common statement leaves app_version out (?3 unused).
    private static readonly string UpdateDeviceSqlite = UpdateDeviceSqliteSql(setAppVersion: true);
    private static readonly string UpdateDeviceSameAppVersionSqlite = UpdateDeviceSqliteSql(setAppVersion: false);

    private static string UpdateDeviceSqliteSql(bool setAppVersion) =>
        $"""
        UPDATE devices SET os_version = ?1, firmware_version = ?2, {(setAppVersion ? "app_version = ?3, " : "")}battery_percent = ?4,
               network_type = ?5, network_encrypted = ?6, latitude = ?7, longitude = ?8, location_accuracy_m = ?9,
               distance_from_store_m = ?10, tamper_state = ?11, tamper_detail = ?12, rooted = ?13,
               p2pe_keys_loaded = ?14, is_online = 1, offline_after = ?15, last_seen_at = ?16, updated_at = ?16
        WHERE merchant_id = ?17 AND id = ?18
        """;

    // PostgreSQL: one statement for the whole batch (a round trip per device was the cost), one row per device.
    private const string UpdateDevicesPostgresSql =
        """
        UPDATE devices AS d SET os_version = v.os, firmware_version = v.firmware, app_version = v.app, battery_percent = v.battery,
               network_type = v.network, network_encrypted = v.encrypted, latitude = v.lat, longitude = v.lon, location_accuracy_m = v.accuracy,
               distance_from_store_m = v.distance, tamper_state = v.tamper, tamper_detail = v.tamper_detail, rooted = v.rooted,
               p2pe_keys_loaded = v.p2pe, is_online = true, offline_after = v.offline_after, last_seen_at = v.now, updated_at = v.now
        FROM unnest(@merchantId, @deviceId, @os, @firmware, @app, @battery, @network, @encrypted, @lat, @lon, @accuracy, @distance,
                    @tamper, @tamperDetail, @rooted, @p2pe, @offlineAfter, @now)
             AS v(merchant_id, id, os, firmware, app, battery, network, encrypted, lat, lon, accuracy, distance,
                  tamper, tamper_detail, rooted, p2pe, offline_after, now)
        WHERE d.merchant_id = v.merchant_id AND d.id = v.id
        """;

    private static readonly string[] CheckInColumns =
    [
        "merchant_id", "id", "device_id", "received_at", "os_version", "firmware_version", "app_version", "battery_percent", "network_type",
        "network_encrypted", "latitude", "longitude", "location_accuracy_m", "tamper_state", "tamper_detail", "rooted", "p2pe_keys_loaded",
        "idempotency_key",
    ];

    // PostgreSQL: the batch's rows as one array per column, so the statement has 18 parameters whatever the batch size
    // and the same text every time. A multi-row VALUES list had 18 named parameters per row (4,608 for a batch of 256)
    // for Npgsql to rewrite and the server to parse and plan at every batch. No ON CONFLICT: the keys already used were
    // read with the devices' states (<see cref="UsedKeysSql"/>), so a conflict here means another portal instance stored
    // the same check-in meanwhile; the batch then fails and the writer retries its check-ins one by one, which find it.
    private static readonly string InsertHistoryPostgresSql =
        $"INSERT INTO device_check_ins ({string.Join(", ", CheckInColumns)}) " +
        "SELECT * FROM unnest(@merchantId, @id, @deviceId, @receivedAt, @os, @firmware, @app, @battery, @network, @encrypted, @lat, @lon, " +
        "@accuracy, @tamper, @tamperDetail, @rooted, @p2pe, @idempotencyKey)";

    // PostgreSQL: which of the batch's Idempotency-Keys their devices already used, one probe of the unique index per
    // (merchant, device, key). Three independent "= ANY" lists made the index walk their cross product: a batch of 256
    // keyed check-ins took 256² descents, and the maximum rate fell to 2,339/s (update 2026-12-02 15:04).
    private const string UsedKeysSql =
        """
        SELECT c.device_id AS DeviceId, c.idempotency_key AS IdempotencyKey
        FROM unnest(@keyMerchantIds, @keyDeviceIds, @keys) AS k(merchant_id, device_id, idempotency_key)
        JOIN device_check_ins AS c ON c.merchant_id = k.merchant_id AND c.device_id = k.device_id AND c.idempotency_key = k.idempotency_key
        WHERE c.idempotency_key IS NOT NULL
        """;

    private static readonly string InsertHistorySqliteSql =
        $"INSERT INTO device_check_ins ({string.Join(", ", CheckInColumns)}) " +
        $"VALUES ({string.Join(", ", CheckInColumns.Select((_, i) => "?" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)))}) " +
        "ON CONFLICT DO NOTHING";

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

    private const string OpenCommandsTemplate =
        """
        SELECT device_id AS DeviceId, id AS Id, type AS Type, status AS Status, expires_at AS ExpiresAt FROM device_commands
        WHERE {0} AND status IN (0, 1) AND expires_at > @earliest
        ORDER BY issued_at
        """;

    /// <summary>Writes one check-in (the demo seeder and tests); the writer uses <see cref="ApplyBatchAsync"/>.</summary>
    public async Task<CheckInOutcome> ApplyAsync(DbConnection connection, DbTransaction transaction, CheckInWork work, CancellationToken ct) =>
        (await ApplyBatchAsync(connection, transaction, [work], ct))[0];

    /// <summary>
    /// Writes a group of check-ins in the caller's transaction with a fixed number of statements (not a few per check-in):
    /// the states and open commands of every device are read at once, each check-in is decided in order against the
    /// state the previous one left (a device may appear twice), then the devices are written together.
    /// A check-in whose device already used its Idempotency-Key (the unique index decides, so it holds across portal
    /// instances too: SQLite stores the history rows first and skips those, PostgreSQL reads the keys used with the
    /// states) changes nothing else, no device state, no alert, no observer, and is answered with the device's current
    /// open commands. Alerts and offline resolutions, which are rare, are written one by one as before.
    /// </summary>
    public Task<IReadOnlyList<CheckInOutcome>> ApplyBatchAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<CheckInWork> batch,
        CancellationToken ct) => ApplyBatchAsync(connection, transaction, batch, ownTransaction: false, ct);

    /// <summary>
    /// PostgreSQL: the batch in a transaction of its own, in two round trips. BEGIN travels with the first statements (the
    /// reads) and COMMIT with the last (the writes), where a transaction object costs a round trip for each of them: at
    /// 5,000 check-ins/s a batch held ~15 check-ins, and every round trip of the batch waits for a core that the portal,
    /// the database and the terminals share (update 2026-12-02 15:04 in docs/BENCHMARKS.md). On failure the transaction
    /// is rolled back and the exception thrown.
    /// </summary>
    public async Task<IReadOnlyList<CheckInOutcome>> ApplyBatchInOwnTransactionAsync(DbConnection connection, IReadOnlyList<CheckInWork> batch,
        CancellationToken ct)
    {
        if (!db.Dialect.IsPostgres)
        {
            throw new InvalidOperationException("Only PostgreSQL batches begin and commit their own transaction.");
        }

        try
        {
            return await ApplyBatchAsync(connection, null, batch, ownTransaction: true, ct);
        }
        catch
        {
            if (connection.State == System.Data.ConnectionState.Open)
            {
                try
                {
                    await connection.ExecuteAsync("ROLLBACK");
                }
                catch (DbException)
                {
                    // The connection itself broke: the server ended the transaction with it, and the caller drops it.
                }
            }

            throw;
        }
    }

    private async Task<IReadOnlyList<CheckInOutcome>> ApplyBatchAsync(DbConnection connection, DbTransaction? transaction, IReadOnlyList<CheckInWork> batch,
        bool ownTransaction, CancellationToken ct)
    {
        var dialect = db.Dialect;
        var settings = options.Value;
        var earliest = batch.Min(w => w.ReceivedAt);
        var keyed = dialect.IsPostgres ? batch.Where(w => w.IdempotencyKey is not null).ToList() : [];
        object parameters = dialect.IsPostgres
            ? new
            {
                merchantIds = batch.Select(w => w.Device.MerchantId).Distinct().ToArray(),
                deviceIds = batch.Select(w => w.Device.DeviceId).Distinct().ToArray(),
                earliest,
                keyMerchantIds = keyed.Select(w => w.Device.MerchantId).ToArray(),
                keyDeviceIds = keyed.Select(w => w.Device.DeviceId).ToArray(),
                keys = keyed.Select(w => w.IdempotencyKey!).ToArray(),
            }
            : new { devices = SqliteDevicePairs(dialect, batch), earliest };
        var readSql = (ownTransaction ? "BEGIN;\n" : "") + BatchReadSql(dialect) + (keyed.Count > 0 ? ";\n" + UsedKeysSql : "");
        Dictionary<Guid, StateRow> states;
        Dictionary<Guid, List<OpenCommand>> openCommands;
        HashSet<(Guid DeviceId, string Key)> usedKeys = [];
        // Each row read whole before it is mapped (BufferedRows): a batch of 256 states spans several network reads.
        await using (var results = await connection.ExecuteReaderAsync(new CommandDefinition(readSql, parameters, transaction, cancellationToken: ct)))
        {
            states = (await results.ReadRowsAsync<StateRow>(ct)).ToDictionary(s => s.Id);
            await results.NextResultAsync(ct);
            openCommands = (await results.ReadRowsAsync<OpenCommand>(ct))
                .GroupBy(c => c.DeviceId)
                .ToDictionary(g => g.Key, g => g.ToList());
            if (keyed.Count > 0)
            {
                await results.NextResultAsync(ct);
                usedKeys = (await results.ReadRowsAsync<(Guid DeviceId, string IdempotencyKey)>(ct)).ToHashSet();
            }
        }

        // Retired or wiped between authentication and this write: not stored, answered 401.
        bool IsActive(CheckInWork work) => states.TryGetValue(work.Device.DeviceId, out var state) && state.MerchantId == work.Device.MerchantId
            && state.Status is not (DeviceStatus.Retired or DeviceStatus.Wiped or DeviceStatus.Pending);
        var active = batch.Where(IsActive).ToList();
        // The history's key is (merchant, device, received at, id) on both databases (migration 0081): a row goes to the
        // end of its device's history, whatever its id, so the id is simply a new random Guid.
        // A check-in is repeated when its device already used its Idempotency-Key, before or earlier in this batch. SQLite
        // stores the history rows first and its unique index tells (in process, no round trip); PostgreSQL read the keys
        // used and writes the rows with the rest of the batch, below.
        var repeated = dialect.IsPostgres
            ? active.Where(w => w.IdempotencyKey is { } key && !usedKeys.Add((w.Device.DeviceId, key))).ToHashSet<CheckInWork>(ReferenceEqualityComparer.Instance)
            : RepeatedOf(active, InsertHistorySqlite(connection, active));

        var outcomes = new List<CheckInOutcome>(batch.Count);
        var written = new List<WrittenCheckIn>(batch.Count);
        var delivered = new List<(Guid MerchantId, Guid Id, DateTimeOffset At)>();
        foreach (var work in batch)
        {
            var (device, report, now) = (work.Device, work.Report, work.ReceivedAt);
            if (!IsActive(work))
            {
                outcomes.Add(new CheckInOutcome(false, [], []));
                continue;
            }

            var before = states[device.DeviceId];
            if (repeated.Contains(work))
            {
                // Already stored under this key (its answer was lost): the current answer, nothing written or raised again.
                var current = openCommands.TryGetValue(device.DeviceId, out var pending) ? pending.Where(c => c.ExpiresAt > now) : [];
                outcomes.Add(new CheckInOutcome(true, current.Select(c => (c.Id, c.Type)).ToList(), [], Repeated: true));
                continue;
            }

            double? distance = report.Latitude is { } lat && report.Longitude is { } lon && work.StoreLatitude is { } sLat && work.StoreLongitude is { } sLon
                ? Math.Round(StoreLocations.DistanceMeters(lat, lon, sLat, sLon), 1)
                : null;
            written.Add(new WrittenCheckIn(work, distance, now + settings.OfflineAfter(device.CheckInIntervalSeconds),
                AppVersionChanged: !string.Equals(before.AppVersion, report.AppVersion, StringComparison.Ordinal)));
            var keys = new { merchantId = device.MerchantId, deviceId = device.DeviceId, now };

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
                    InsertAlert, new { keys.merchantId, id = Guid.CreateVersion7(now), keys.deviceId, kind = (int)kind, detail, keys.now }, transaction, cancellationToken: ct));
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

            var open = openCommands.TryGetValue(device.DeviceId, out var list) ? list.Where(c => c.ExpiresAt > now).ToList() : [];
            var queued = open.Where(c => c.Status == DeviceCommandStatus.Queued).ToList();
            if (queued.Count > 0)
            {
                foreach (var command in queued)
                {
                    command.Status = DeviceCommandStatus.Delivered;
                    delivered.Add((device.MerchantId, command.Id, now));
                }

                changes.Add(DeviceChange.CommandChanged);
            }

            // What this check-in wrote is what the next one of the same device in this batch compares against.
            states[device.DeviceId] = before with
            {
                TamperState = report.TamperState, Rooted = report.Rooted, IsOnline = true, DistanceFromStoreMeters = distance,
                LocationAccuracyMeters = report.AccuracyMeters, AppVersion = report.AppVersion,
            };
            outcomes.Add(new CheckInOutcome(true, open.Select(c => (c.Id, c.Type)).ToList(), changes));
        }

        if (dialect.IsPostgres)
        {
            await WritePostgresAsync((NpgsqlConnection)connection, (NpgsqlTransaction?)transaction, written, delivered, ownTransaction, ct);
            return outcomes;
        }

        UpdateDevicesSqlite(connection, written);
        foreach (var group in delivered.GroupBy(d => (d.MerchantId, d.At)))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                $"UPDATE device_commands SET status = 1, delivered_at = @now WHERE merchant_id = @merchantId AND {dialect.AnyOf("id", "ids")}",
                new { now = group.Key.At, merchantId = group.Key.MerchantId, ids = group.Select(d => d.Id).ToArray() }, transaction, cancellationToken: ct));
        }

        return outcomes;
    }

    private static HashSet<CheckInWork> RepeatedOf(List<CheckInWork> active, HashSet<int> stored) =>
        active.Where((_, i) => !stored.Contains(i)).ToHashSet<CheckInWork>(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// PostgreSQL: every write of the batch in one round trip (with its COMMIT when the batch owns its transaction): the
    /// history rows, the devices' new state (one row per device, its last check-in in the batch) and the commands handed
    /// over.
    /// </summary>
    private static async Task WritePostgresAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, List<WrittenCheckIn> written,
        List<(Guid MerchantId, Guid Id, DateTimeOffset At)> delivered, bool ownTransaction, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        if (written.Count > 0)
        {
            batch.BatchCommands.Add(InsertHistoryPostgres(written));
            batch.BatchCommands.Add(UpdateDevicesPostgres(written));
        }

        foreach (var group in delivered.GroupBy(d => (d.MerchantId, d.At)))
        {
            var command = new NpgsqlBatchCommand("UPDATE device_commands SET status = 1, delivered_at = @now WHERE merchant_id = @merchantId AND id = ANY(@ids)");
            command.Parameters.AddWithValue("now", group.Key.At.ToUniversalTime());
            command.Parameters.AddWithValue("merchantId", group.Key.MerchantId);
            command.Parameters.AddWithValue("ids", group.Select(d => d.Id).ToArray());
            batch.BatchCommands.Add(command);
        }

        if (ownTransaction)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        }

        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>States and open commands of the batch's devices in one command (two statements, one round trip on PostgreSQL).</summary>
    internal static string BatchReadSql(SqlDialect dialect) =>
        string.Format(System.Globalization.CultureInfo.InvariantCulture, ReadStatesTemplate, OfBatch(dialect, "id"))
        + ";\n"
        + string.Format(System.Globalization.CultureInfo.InvariantCulture, OpenCommandsTemplate, OfBatch(dialect, "device_id"));

    /// <summary>
    /// The batch's devices in a WHERE clause: two arrays on PostgreSQL; on SQLite one JSON array of [merchant, device]
    /// pairs. Dapper's list expansion gave SQLite a parameter per device, bound by name, and Microsoft.Data.Sqlite looks
    /// each name up in a list it scans from the start (<c>sqlite3_bind_parameter_index</c>): about 60,000 string
    /// comparisons for a batch of 250 in the two statements, 3.4 % of the portal's CPU per check-in (perf, 2026-12-01 19:20).
    /// The (merchant, device) IN (subquery) still seeks each device's key (EXPLAIN QUERY PLAN: SEARCH … USING INDEX).
    /// </summary>
    private static string OfBatch(SqlDialect dialect, string deviceColumn) => dialect.IsPostgres
        ? $"merchant_id = ANY(@merchantIds) AND {deviceColumn} = ANY(@deviceIds)"
        : $"(merchant_id, {deviceColumn}) IN (SELECT value ->> 0, value ->> 1 FROM json_each(@devices))";

    private static string SqliteDevicePairs(SqlDialect dialect, IReadOnlyList<CheckInWork> batch) =>
        System.Text.Json.JsonSerializer.Serialize(batch
            .Select(w => (w.Device.MerchantId, w.Device.DeviceId))
            .Distinct()
            .Select(d => new[] { (string)dialect.ToParameterValue(d.MerchantId), (string)dialect.ToParameterValue(d.DeviceId) }));

    /// <summary>PostgreSQL: the devices' new state, one row per device (its last check-in in the batch; an UPDATE … FROM applies one).</summary>
    private static NpgsqlBatchCommand UpdateDevicesPostgres(List<WrittenCheckIn> written)
    {
        var command = new NpgsqlBatchCommand(UpdateDevicesPostgresSql);
        var rows = written.GroupBy(w => w.Work.Device.DeviceId).Select(g => g.Last()).ToList();
        void Add<T>(string name, Func<WrittenCheckIn, T> value) => command.Parameters.Add(new NpgsqlParameter(name, rows.Select(value).ToArray()));

        Add("merchantId", w => w.Work.Device.MerchantId);
        Add("deviceId", w => w.Work.Device.DeviceId);
        Add("os", w => w.Work.Report.OsVersion);
        Add("firmware", w => w.Work.Report.FirmwareVersion);
        Add("app", w => w.Work.Report.AppVersion);
        Add("battery", w => w.Work.Report.BatteryPercent);
        Add("network", w => w.Work.Report.NetworkType);
        Add("encrypted", w => w.Work.Report.NetworkEncrypted);
        Add("lat", w => w.Work.Report.Latitude);
        Add("lon", w => w.Work.Report.Longitude);
        Add("accuracy", w => w.Work.Report.AccuracyMeters);
        Add("distance", w => w.Distance);
        Add("tamper", w => (int)w.Work.Report.TamperState);
        Add("tamperDetail", w => w.Work.Report.TamperDetail);
        Add("rooted", w => w.Work.Report.Rooted);
        Add("p2pe", w => w.Work.Report.P2peKeysLoaded);
        Add("offlineAfter", w => w.OfflineAfter.ToUniversalTime());
        Add("now", w => w.Work.ReceivedAt.ToUniversalTime());
        return command;
    }

    private static void UpdateDevicesSqlite(DbConnection connection, List<WrittenCheckIn> written)
    {
        if (written.Count == 0)
        {
            return;
        }

        // SQLite runs in-process: the statements prepared once per batch and executed per check-in, bound by position (no
        // parameter names, boxes or data readers per check-in; values stored exactly as the Dapper handlers store them).
        using var sameAppVersion = new SqlitePreparedStatement((SqliteConnection)connection, UpdateDeviceSameAppVersionSqlite);
        using var newAppVersion = written.Any(w => w.AppVersionChanged)
            ? new SqlitePreparedStatement((SqliteConnection)connection, UpdateDeviceSqlite)
            : null;
        foreach (var (work, distance, offlineAfter, appVersionChanged) in written)
        {
            var update = appVersionChanged ? newAppVersion! : sameAppVersion;
            var report = work.Report;
            update.Bind(1, report.OsVersion);
            update.Bind(2, report.FirmwareVersion);
            update.Bind(3, report.AppVersion);
            update.Bind(4, (long)report.BatteryPercent);
            update.Bind(5, report.NetworkType);
            update.Bind(6, report.NetworkEncrypted);
            update.Bind(7, report.Latitude);
            update.Bind(8, report.Longitude);
            update.Bind(9, report.AccuracyMeters);
            update.Bind(10, distance);
            update.Bind(11, (long)report.TamperState);
            update.Bind(12, report.TamperDetail);
            update.Bind(13, report.Rooted);
            update.Bind(14, report.P2peKeysLoaded);
            update.Bind(15, offlineAfter);
            update.Bind(16, work.ReceivedAt);
            update.Bind(17, work.Device.MerchantId);
            update.Bind(18, work.Device.DeviceId);
            update.Execute();
        }
    }

    /// <summary>PostgreSQL: the batch's history rows in one statement (<see cref="InsertHistoryPostgresSql"/>), each with a new id.</summary>
    private static NpgsqlBatchCommand InsertHistoryPostgres(List<WrittenCheckIn> written)
    {
        var command = new NpgsqlBatchCommand(InsertHistoryPostgresSql);
        void Add<T>(string name, Func<CheckInWork, T> value) => command.Parameters.Add(new NpgsqlParameter(name, written.Select(w => value(w.Work)).ToArray()));

        Add("merchantId", w => w.Device.MerchantId);
        Add("id", _ => Guid.NewGuid());
        Add("deviceId", w => w.Device.DeviceId);
        Add("receivedAt", w => w.ReceivedAt.ToUniversalTime());
        Add("os", w => w.Report.OsVersion);
        Add("firmware", w => w.Report.FirmwareVersion);
        Add("app", w => w.Report.AppVersion);
        Add("battery", w => w.Report.BatteryPercent);
        Add("network", w => w.Report.NetworkType);
        Add("encrypted", w => w.Report.NetworkEncrypted);
        Add("lat", w => w.Report.Latitude);
        Add("lon", w => w.Report.Longitude);
        Add("accuracy", w => w.Report.AccuracyMeters);
        Add("tamper", w => (int)w.Report.TamperState);
        Add("tamperDetail", w => w.Report.TamperDetail);
        Add("rooted", w => w.Report.Rooted);
        Add("p2pe", w => w.Report.P2peKeysLoaded);
        Add("idempotencyKey", w => w.IdempotencyKey);
        return command;
    }

    /// <summary>
    /// SQLite: the batch's history rows, one statement prepared per batch and executed per check-in (as
    /// <see cref="UpdateDevicesSqlite"/> does); returns the positions of the rows stored, so a row whose Idempotency-Key its
    /// device already used (any unique index decides, as on PostgreSQL) is the one not stored.
    /// </summary>
    private static HashSet<int> InsertHistorySqlite(DbConnection connection, IReadOnlyList<CheckInWork> rows)
    {
        var stored = new HashSet<int>();
        using var insert = new SqlitePreparedStatement((SqliteConnection)connection, InsertHistorySqliteSql);
        for (var i = 0; i < rows.Count; i++)
        {
            var (work, report) = (rows[i], rows[i].Report);
            insert.Bind(1, work.Device.MerchantId);
            insert.Bind(2, Guid.NewGuid());
            insert.Bind(3, work.Device.DeviceId);
            insert.Bind(4, work.ReceivedAt);
            insert.Bind(5, report.OsVersion);
            insert.Bind(6, report.FirmwareVersion);
            insert.Bind(7, report.AppVersion);
            insert.Bind(8, (long)report.BatteryPercent);
            insert.Bind(9, report.NetworkType);
            insert.Bind(10, report.NetworkEncrypted);
            insert.Bind(11, report.Latitude);
            insert.Bind(12, report.Longitude);
            insert.Bind(13, report.AccuracyMeters);
            insert.Bind(14, (long)report.TamperState);
            insert.Bind(15, report.TamperDetail);
            insert.Bind(16, report.Rooted);
            insert.Bind(17, report.P2peKeysLoaded);
            insert.Bind(18, work.IdempotencyKey);
            if (insert.Execute() == 1)
            {
                stored.Add(i);
            }
        }

        return stored;
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

    private readonly record struct WrittenCheckIn(CheckInWork Work, double? Distance, DateTimeOffset OfflineAfter, bool AppVersionChanged);

    private sealed record StateRow
    {
        public Guid MerchantId { get; init; }
        public Guid Id { get; init; }
        public DeviceStatus Status { get; init; }
        public TamperState TamperState { get; init; }
        public bool? Rooted { get; init; }
        public bool IsOnline { get; init; }
        public double? DistanceFromStoreMeters { get; init; }
        public double? LocationAccuracyMeters { get; init; }
        public string? AppVersion { get; init; }
    }

    private sealed class OpenCommand
    {
        public Guid DeviceId { get; init; }
        public Guid Id { get; init; }
        public DeviceCommandType Type { get; init; }
        public DeviceCommandStatus Status { get; set; }
        public DateTimeOffset ExpiresAt { get; init; }
    }
}
