using System.Globalization;
using AdminPortal.Features.Devices;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace PortalBench;

/// <summary>A terminal the bench created: its credential and where its store is.</summary>
public sealed record BenchTerminal(Guid MerchantId, Guid DeviceId, Guid StoreId, string Secret, double? StoreLatitude, double? StoreLongitude,
    string StoreTimeZone = "UTC");

/// <summary>
/// Puts devices straight into the fresh database (the shape enrollment writes), because enrolling a million terminals
/// one HTTP call at a time would take longer than every measure together. Stores come from <c>seed-demo</c>.
/// </summary>
public static class BenchDevices
{
    private static readonly string[] Models = ["A920", "A920Pro", "A77", "IM30", "P400", "Move5000", "SUNMI P2", "V240m"];
    private static readonly string[] AppVersions = ["3.4.0", "3.5.0", "3.5.1", "3.6.0"];
    private static readonly string[] OsVersions = ["Android 10", "Android 11", "Android 12"];

    /// <summary>
    /// A model being phased in and an app version in pilot, each on one device in 499 (about 670 of a merchant's 333,000,
    /// fewer than the pager counts): the device list finds such a value's devices by its index and sorts them, while a
    /// common value is read in last-contact order (DeviceDirectory). Chosen by position, not by the random generator, so
    /// every other column of the estate is the same as before they were added.
    /// </summary>
    public const string RareModel = "D230", RareAppVersion = "3.7.0-pilot";

    private const string Columns =
        "merchant_id, id, store_id, serial_number, model, manufacturer, status, secret_hash, os_version, firmware_version, app_version, " +
        "battery_percent, network_type, network_encrypted, tamper_state, rooted, p2pe_keys_loaded, check_in_interval_seconds, is_online, " +
        "offline_after, enrolled_at, last_seen_at, created_at, updated_at";

    private sealed class StoreRow
    {
        public Guid MerchantId { get; init; }
        public Guid Id { get; init; }
        public double? Latitude { get; init; }
        public double? Longitude { get; init; }
        public string TimeZone { get; init; } = "UTC";
    }

    private sealed record Row(
        Guid MerchantId, Guid Id, Guid StoreId, string Serial, string Model, int Status, string? SecretHash, string OsVersion, string AppVersion,
        int Battery, bool Online, int Tamper, DateTimeOffset? OfflineAfter, DateTimeOffset EnrolledAt, DateTimeOffset? LastSeenAt);

    /// <summary>
    /// Inserts <paramref name="count"/> devices spread evenly over the seeded stores. With <paramref name="withSecrets"/>
    /// every device is active, online and can call the device API; otherwise the estate has a realistic mix of
    /// models, versions, statuses, tampering and last contact times spread over 30 days (for the device list).
    /// </summary>
    public static async Task<IReadOnlyList<BenchTerminal>> InsertAsync(BenchDatabase database, int count, bool withSecrets, string serialPrefix)
    {
        StoreRow[] stores;
        await using (var connection = await database.OpenAsync())
        {
            stores = (await connection.QueryAsync<StoreRow>(
                "SELECT merchant_id AS MerchantId, id AS Id, latitude AS Latitude, longitude AS Longitude, time_zone AS TimeZone FROM stores ORDER BY merchant_id, id")).ToArray();
        }

        if (stores.Length == 0)
        {
            throw new InvalidOperationException("No stores: run seed-demo first.");
        }

        var now = DateTimeOffset.UtcNow;
        var random = new Random(20261130);
        var terminals = new List<BenchTerminal>(withSecrets ? count : 0);
        IEnumerable<Row> Rows()
        {
            for (var i = 0; i < count; i++)
            {
                var store = stores[i % stores.Length];
                var id = Guid.NewGuid();
                string? hash = null;
                if (withSecrets)
                {
                    var secret = $"bench-{id:N}-{random.NextInt64():x16}";
                    hash = DeviceSecrets.HashSecret(secret);
                    terminals.Add(new BenchTerminal(store.MerchantId, id, store.Id, secret, store.Latitude, store.Longitude, store.TimeZone));
                }

                var lastSeen = withSecrets ? now.AddSeconds(-random.Next(0, 300)) : now.AddSeconds(-random.Next(0, 30 * 24 * 3600));
                var online = withSecrets || now - lastSeen < TimeSpan.FromMinutes(15);
                var status = withSecrets ? (int)DeviceStatus.Active : random.Next(100) switch
                {
                    < 94 => (int)DeviceStatus.Active,
                    < 97 => (int)DeviceStatus.Locked,
                    < 98 => (int)DeviceStatus.LostOrStolen,
                    _ => (int)DeviceStatus.Retired,
                };
                var model = Models[random.Next(Models.Length)];
                var osVersion = OsVersions[random.Next(OsVersions.Length)];
                var appVersion = AppVersions[random.Next(AppVersions.Length)];
                if (!withSecrets)
                {
                    model = i % 499 == 7 ? RareModel : model;
                    appVersion = i % 499 == 251 ? RareAppVersion : appVersion;
                }

                yield return new Row(store.MerchantId, id, store.Id, $"{serialPrefix}{i:D8}", model, status, hash, osVersion, appVersion, random.Next(5, 101), online,
                    !withSecrets && random.Next(1000) == 0 ? 1 : 0, online ? now.AddMinutes(15) : null, lastSeen.AddDays(-30), lastSeen);
            }
        }

        if (database.IsPostgres)
        {
            await CopyPostgresAsync(database, Rows(), now);
        }
        else
        {
            await InsertSqliteAsync(database, Rows(), now);
        }

        return terminals;
    }

    private static async Task InsertSqliteAsync(BenchDatabase database, IEnumerable<Row> rows, DateTimeOffset now)
    {
        await using var connection = (SqliteConnection)await database.OpenAsync();
        await using var transaction = connection.BeginTransaction();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var names = Columns.Split(", ");
        command.CommandText = $"INSERT INTO devices ({Columns}) VALUES ({string.Join(", ", names.Select(n => "$" + n))})";
        var parameters = names.ToDictionary(n => n, n => command.Parameters.Add(new SqliteParameter("$" + n, null)));
        command.Prepare();
        static object Text(DateTimeOffset? value) =>
            value is { } v ? v.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture) : DBNull.Value;
        foreach (var row in rows)
        {
            parameters["merchant_id"].Value = row.MerchantId.ToString("D").ToUpperInvariant();
            parameters["id"].Value = row.Id.ToString("D").ToUpperInvariant();
            parameters["store_id"].Value = row.StoreId.ToString("D").ToUpperInvariant();
            parameters["serial_number"].Value = row.Serial;
            parameters["model"].Value = row.Model;
            parameters["manufacturer"].Value = "PAX";
            parameters["status"].Value = row.Status;
            parameters["secret_hash"].Value = (object?)row.SecretHash ?? DBNull.Value;
            parameters["os_version"].Value = row.OsVersion;
            parameters["firmware_version"].Value = "FW 2.1";
            parameters["app_version"].Value = row.AppVersion;
            parameters["battery_percent"].Value = row.Battery;
            parameters["network_type"].Value = "wifi";
            parameters["network_encrypted"].Value = 1;
            parameters["tamper_state"].Value = row.Tamper;
            parameters["rooted"].Value = 0;
            parameters["p2pe_keys_loaded"].Value = 1;
            parameters["check_in_interval_seconds"].Value = 300;
            parameters["is_online"].Value = row.Online ? 1 : 0;
            parameters["offline_after"].Value = Text(row.OfflineAfter);
            parameters["enrolled_at"].Value = Text(row.EnrolledAt);
            parameters["last_seen_at"].Value = Text(row.LastSeenAt);
            parameters["created_at"].Value = Text(row.EnrolledAt);
            parameters["updated_at"].Value = Text(now);
            await command.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
        await using var analyze = connection.CreateCommand();
        analyze.CommandText = "ANALYZE";
        await analyze.ExecuteNonQueryAsync();
    }

    private static async Task CopyPostgresAsync(BenchDatabase database, IEnumerable<Row> rows, DateTimeOffset now)
    {
        await using var connection = (NpgsqlConnection)await database.OpenAsync();
        await using (var writer = await connection.BeginBinaryImportAsync($"COPY devices ({Columns}) FROM STDIN (FORMAT BINARY)"))
        {
            // The copy ends with the trigger that fills device_presence (migration 0082): a million rows in one statement.
            writer.Timeout = TimeSpan.FromMinutes(10);
            async Task Time(DateTimeOffset? value)
            {
                if (value is { } v)
                {
                    await writer.WriteAsync(v.ToUniversalTime(), NpgsqlDbType.TimestampTz);
                }
                else
                {
                    await writer.WriteNullAsync();
                }
            }

            foreach (var row in rows)
            {
                await writer.StartRowAsync();
                await writer.WriteAsync(row.MerchantId, NpgsqlDbType.Uuid);
                await writer.WriteAsync(row.Id, NpgsqlDbType.Uuid);
                await writer.WriteAsync(row.StoreId, NpgsqlDbType.Uuid);
                await writer.WriteAsync(row.Serial, NpgsqlDbType.Text);
                await writer.WriteAsync(row.Model, NpgsqlDbType.Text);
                await writer.WriteAsync("PAX", NpgsqlDbType.Text);
                await writer.WriteAsync(row.Status, NpgsqlDbType.Integer);
                if (row.SecretHash is null)
                {
                    await writer.WriteNullAsync();
                }
                else
                {
                    await writer.WriteAsync(row.SecretHash, NpgsqlDbType.Text);
                }

                await writer.WriteAsync(row.OsVersion, NpgsqlDbType.Text);
                await writer.WriteAsync("FW 2.1", NpgsqlDbType.Text);
                await writer.WriteAsync(row.AppVersion, NpgsqlDbType.Text);
                await writer.WriteAsync(row.Battery, NpgsqlDbType.Integer);
                await writer.WriteAsync("wifi", NpgsqlDbType.Text);
                await writer.WriteAsync(true, NpgsqlDbType.Boolean);
                await writer.WriteAsync(row.Tamper, NpgsqlDbType.Integer);
                await writer.WriteAsync(false, NpgsqlDbType.Boolean);
                await writer.WriteAsync(true, NpgsqlDbType.Boolean);
                await writer.WriteAsync(300, NpgsqlDbType.Integer);
                await writer.WriteAsync(row.Online, NpgsqlDbType.Boolean);
                await Time(row.OfflineAfter);
                await Time(row.EnrolledAt);
                await Time(row.LastSeenAt);
                await Time(row.EnrolledAt);
                await Time(now);
            }

            await writer.CompleteAsync();
        }

        // What autovacuum does to a table in steady state: statistics, and the visibility map index-only scans rely on.
        await using var analyze = new NpgsqlCommand("VACUUM ANALYZE devices, device_presence", connection) { CommandTimeout = 600 };
        await analyze.ExecuteNonQueryAsync();
    }
}
