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
/// What a check-in writes besides its own data: history ids that append at the end of the primary key, and the device
/// indexes a check-in no longer rewrites (migrations 0076 and 0078; DeviceListPlanTests for the model and app version) while the list filters they served still find an index.
/// </summary>
public sealed class CheckInWriteCostTests
{
    // Services built by hand, without the portal host that registers the Merchants JSON column.
    static CheckInWriteCostTests() => DapperTypeHandlers.AddJson<OpeningHours>();

    // SQLite only: PostgreSQL keeps random ids (measured slower with time-ordered ones).
    [Fact]
    public async Task On_sqlite_history_ids_follow_the_order_the_check_ins_were_received_in()
    {
        var (database, connections) = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        await using var _ = database;
        var clock = new TestClock(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        var options = Options.Create(new DeviceOptions { CheckInIntervalSeconds = 60 });
        var audit = new AuditLog(connections, clock, new AuditChainKeys(AuditChainKeys.NewKey()));
        var merchants = new MerchantDirectory(connections, clock);
        var (merchant, store) = await DeviceApiHarness.AddMerchantAsync(merchants, "A");
        var codes = await new EnrollmentCodes(connections, merchants, audit, clock, options)
            .CreateAsync(DeviceApiHarness.Admin, DeviceActor.CommandLine, merchant.Id, store.Id, 1);
        var live = new InProcessLiveUpdates(NullLogger<InProcessLiveUpdates>.Instance);
        var enrollment = new DeviceEnrollment(connections, audit, live, clock, options, NullLogger<DeviceEnrollment>.Instance, new DeviceCredentials(connections, options, live));
        var enrolled = (await enrollment.EnrollAsync(new EnrollmentDetails(codes[0].Code, "SN-1", "A920", "PAX", "A10", "F1", "1.0"), null, CancellationToken.None))!;
        var device = new DeviceIdentity(merchant.Id, enrolled.DeviceId, store.Id, "SN-1", DeviceStatus.Active, 60);
        var report = new CheckInReport("A10", "F1", "1.0", 90, "wifi", true, null, null, null, TamperState.Ok, null, null, null);
        var processor = new CheckInProcessor(connections, audit, options);

        // Two groups, twelve check-ins a millisecond apart: random ids would come back in receive order once in 12! tries.
        var start = clock.GetUtcNow();
        foreach (var group in Enumerable.Range(0, 12).Chunk(6))
        {
            await using var connection = await connections.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await processor.ApplyBatchAsync(connection, transaction,
                group.Select(i => new CheckInWork(device, report, start.AddMilliseconds(i), null, null)).ToList(), CancellationToken.None);
            await transaction.CommitAsync();
        }

        await using var check = await connections.OpenAsync();
        var byId = (await check.QueryAsync<DateTimeOffset>("SELECT received_at FROM device_check_ins ORDER BY id")).ToList();
        Assert.Equal(12, byId.Count);
        Assert.Equal(byId.Order(), byId);
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

        // A non-active status filter can still be read from an index in last-contact order: the term DeviceDirectory adds
        // is what lets the planner prove that the partial index holds every row the filter wants.
        var page = $"FROM devices WHERE merchant_id = @merchantId AND status = @status AND {DeviceDirectory.NotActive} ORDER BY last_seen_at DESC, id LIMIT 25";
        var parameters = new { merchantId = Guid.NewGuid(), status = (int)DeviceStatus.Locked };
        if (isPostgres)
        {
            // An empty table is cheapest to scan whole: forbid that, so the plan shows which index the query can use.
            await connection.ExecuteAsync("SET enable_seqscan = off");
        }

        async Task<string> PlanAsync(string query) => string.Join("\n", isPostgres
            ? await connection.QueryAsync<string>($"EXPLAIN SELECT id {query}", parameters)
            : (await connection.QueryAsync($"EXPLAIN QUERY PLAN SELECT id {query}", parameters)).Select(row => (string)row.detail));

        Assert.Contains("ix_devices_merchant_status_not_active", await PlanAsync(page));
    }
}
