using AdminPortal.Features.Audit;
using AdminPortal.Features.Devices;
using AdminPortal.Features.Devices.Api;
using AdminPortal.Features.Devices.CheckIns;
using AdminPortal.Features.Devices.Enrollment;
using AdminPortal.Features.Merchants;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Infrastructure.LiveUpdates;
using AdminPortal.Testing;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AdminPortal.IntegrationTests.Devices;

/// <summary>
/// What a check-in writes besides its own data: its history row in one key, in device order (migration 0081), and the device
/// indexes a check-in no longer rewrites (migrations 0076 and 0078; DeviceListPlanTests for the model and app version) while the list filters they served still find an index.
/// </summary>
public sealed class CheckInWriteCostTests
{
    // Services built by hand, without the portal host that registers the Merchants JSON column.
    static CheckInWriteCostTests() => DapperTypeHandlers.AddJson<OpeningHours>();

    [Theory, BothDatabases]
    public async Task A_history_row_enters_one_key_in_device_order_and_a_device_history_is_read_from_it_without_sorting(DatabaseProvider provider)
    {
        var (database, connections) = await TestDatabase.CreateMigratedAsync(provider);
        await using var _ = database;
        await using var connection = await connections.OpenAsync();
        var isPostgres = provider == DatabaseProvider.Postgres;

        // Migration 0081: the primary key is the device's history order; no second index over the same rows.
        var indexes = (await connection.QueryAsync<(string Name, string Sql)>(isPostgres
                ? "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'device_check_ins'"
                : "SELECT name, coalesce(sql, '') FROM sqlite_master WHERE type = 'index' AND tbl_name = 'device_check_ins'"))
            .ToDictionary(d => d.Name, d => d.Sql);
        Assert.Equal(["ix_device_check_ins_key_expiry", "ux_device_check_ins_idempotency"],
            indexes.Keys.Where(name => name.StartsWith("ix_", StringComparison.Ordinal) || name.StartsWith("ux_", StringComparison.Ordinal)).Order());
        if (isPostgres)
        {
            Assert.Contains("(merchant_id, device_id, received_at, id)", indexes["device_check_ins_pkey"]);
        }
        else
        {
            // WITHOUT ROWID: the rows themselves are the key's B-tree (no rowid table, no separate key index).
            var table = await connection.ExecuteScalarAsync<string>("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'device_check_ins'");
            Assert.Contains("PRIMARY KEY (merchant_id, device_id, received_at, id)", table);
            Assert.Contains("WITHOUT ROWID", table);
        }

        if (isPostgres)
        {
            // An empty table is cheapest to scan whole: forbid that, so the plan shows what the query can use.
            await connection.ExecuteAsync("SET enable_seqscan = off");
        }

        // The device page's history query (DeviceDirectory.ListCheckInsAsync): newest first, straight from the key.
        const string History = "FROM device_check_ins WHERE merchant_id = @merchantId AND device_id = @deviceId ORDER BY received_at DESC LIMIT 20";
        var parameters = new { merchantId = Guid.NewGuid(), deviceId = Guid.NewGuid() };
        var plan = await PlanAsync(connection, isPostgres, $"SELECT id {History}", parameters);
        Assert.Contains(isPostgres ? "device_check_ins_pkey" : "PRIMARY KEY", plan);
        Assert.DoesNotContain(isPostgres ? "Sort" : "TEMP B-TREE", plan);
    }

    [Theory, BothDatabases]
    public async Task A_check_in_leaves_the_store_status_model_and_app_version_indexes_alone_and_a_status_filter_stays_indexed(DatabaseProvider provider)
    {
        var (database, connections) = await TestDatabase.CreateMigratedAsync(provider);
        await using var _ = database;
        await using var connection = await connections.OpenAsync();
        var isPostgres = provider == DatabaseProvider.Postgres;
        var definitions = (await connection.QueryAsync<(string Name, string Sql)>(isPostgres
                ? "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'devices'"
                : "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'devices' AND sql IS NOT NULL"))
            .ToDictionary(d => d.Name, d => d.Sql);

        // Only the indexes a check-in has to keep current hold last_seen_at; store, active status, model and app version
        // (migrations 0076 and 0078) are not among them.
        Assert.DoesNotContain("last_seen_at", definitions["ix_devices_merchant_store"]);
        Assert.DoesNotContain("last_seen_at", definitions["ix_devices_merchant_model"]);
        Assert.DoesNotContain("last_seen_at", definitions["ix_devices_merchant_app_version"]);
        Assert.False(definitions.ContainsKey("ix_devices_merchant_status"));
        Assert.Contains("status <> 1", definitions["ix_devices_merchant_status_not_active"]);
        if (isPostgres)
        {
            // Migration 0082: no index of devices holds what a check-in changes, so its update can be HOT; the
            // last-contact and offline-deadline indexes are device_presence's.
            Assert.DoesNotContain(definitions, d => d.Value.Contains("last_seen_at", StringComparison.Ordinal) || d.Value.Contains("offline_after", StringComparison.Ordinal)
                || d.Value.Contains("is_online", StringComparison.Ordinal));
            var presence = await connection.QueryAsync<string>("SELECT indexname FROM pg_indexes WHERE tablename = 'device_presence'");
            Assert.Equal(
                [
                    "device_presence_pkey", "ix_device_presence_last_seen", "ix_device_presence_merchant_last_seen",
                    "ix_device_presence_merchant_status_not_active", "ix_device_presence_merchant_tampered", "ix_device_presence_offline_sweep",
                ],
                presence.Order());
        }

        // A non-active status filter can still be read from an index in last-contact order: the term DeviceDirectory adds
        // is what lets the planner prove that the partial index holds every row the filter wants.
        var page = $"FROM devices WHERE merchant_id = @merchantId AND status = @status AND {DeviceDirectory.NotActive} ORDER BY last_seen_at DESC, id LIMIT 25";
        var parameters = new { merchantId = Guid.NewGuid(), status = (int)DeviceStatus.Locked };
        if (isPostgres)
        {
            // An empty table is cheapest to scan whole: forbid that, so the plan shows which index the query can use.
            await connection.ExecuteAsync("SET enable_seqscan = off");
        }

        Assert.Contains("ix_devices_merchant_status_not_active", await PlanAsync(connection, isPostgres, $"SELECT id {page}", parameters));
    }

    [Theory, BothDatabases]
    public async Task A_check_in_rewrites_no_device_index_on_postgres_and_device_presence_follows_it(DatabaseProvider provider)
    {
        await using var bed = await CheckInBatchTests.Bed.StartAsync(provider);
        var report = new CheckInReport("A11", "F1", "1.0", 80, "wifi", true, null, null, null, TamperState.Ok, null, null, null);
        var now = bed.Clock.GetUtcNow();
        await using var connection = await bed.Connections.OpenAsync();
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await bed.Processor.ApplyBatchAsync(connection, transaction,
                [new CheckInWork(bed.First, report, now, null, null), new CheckInWork(bed.Second, report, now.AddSeconds(1), null, null)], CancellationToken.None);
            if (provider == DatabaseProvider.Postgres)
            {
                // This transaction's own counts: both device rows were updated on their page, without an index entry.
                var (updated, hot) = await connection.QuerySingleAsync<(long, long)>(
                    "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE relname = 'devices'", transaction: transaction);
                Assert.Equal((2L, 2L), (updated, hot));
            }

            await transaction.CommitAsync();
        }

        // The copy the lists and the offline sweep read says what devices says (on SQLite it is a view of devices).
        var (presence, devices) = await DevicePresenceMigrationTests.ReadPresenceAsync(connection);
        Assert.Equal(devices, presence);
        Assert.Equal(2, presence.Count);
        Assert.All(presence, p => Assert.True(p.IsOnline && p.LastSeenAt is not null && p.OfflineAfter > p.LastSeenAt));
    }

    [Theory, BothDatabases]
    public async Task The_batch_read_of_device_states_and_open_commands_seeks_each_device_by_index(DatabaseProvider provider)
    {
        var (database, connections) = await TestDatabase.CreateMigratedAsync(provider);
        await using var _ = database;
        await using var connection = await connections.OpenAsync();
        var isPostgres = provider == DatabaseProvider.Postgres;
        if (isPostgres)
        {
            await connection.ExecuteAsync("SET enable_seqscan = off");
        }

        // SQLite gets the batch as one JSON parameter of [merchant, device] pairs instead of a parameter per device.
        object parameters = isPostgres
            ? new { merchantIds = new[] { Guid.NewGuid() }, deviceIds = new[] { Guid.NewGuid() }, earliest = DateTimeOffset.UtcNow }
            : new { devices = $"[[\"{Guid.NewGuid():D}\",\"{Guid.NewGuid():D}\"]]".ToUpperInvariant(), earliest = DateTimeOffset.UtcNow };
        var statements = CheckInProcessor.BatchReadSql(connections.Dialect).Split(";\n");
        Assert.Equal(2, statements.Length);
        Assert.All(statements, statement => Assert.Contains(isPostgres ? "= ANY(@deviceIds)" : "json_each(@devices)", statement));

        var states = await PlanAsync(connection, isPostgres, statements[0], parameters);
        var commands = await PlanAsync(connection, isPostgres, statements[1], parameters);
        Assert.Contains(isPostgres ? "Index" : "SEARCH devices USING", states);
        Assert.DoesNotContain(isPostgres ? "Seq Scan" : "SCAN devices", states);
        Assert.Contains(isPostgres ? "Index" : "SEARCH device_commands USING INDEX ix_device_commands_open", commands);
        Assert.DoesNotContain(isPostgres ? "Seq Scan" : "SCAN device_commands", commands);
    }

    private static async Task<string> PlanAsync(System.Data.Common.DbConnection connection, bool isPostgres, string query, object parameters) =>
        string.Join("\n", isPostgres
            ? await connection.QueryAsync<string>($"EXPLAIN {query}", parameters)
            : (await connection.QueryAsync($"EXPLAIN QUERY PLAN {query}", parameters)).Select(row => (string)row.detail));
}
