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

public sealed class CheckInBatchTests
{
    // Services built by hand, without the portal host that registers the Merchants JSON column.
    static CheckInBatchTests() => DapperTypeHandlers.AddJson<OpeningHours>();

    [Theory, BothDatabases]
    public async Task A_device_twice_in_one_group_is_judged_against_its_own_earlier_check_in(DatabaseProvider provider)
    {
        await using var bed = await Bed.StartAsync(provider);
        var (connections, clock, first, second) = (bed.Connections, bed.Clock, bed.First, bed.Second);
        CheckInReport Report(TamperState tamper) => new("A10", "F1", "1.0", 90, "wifi", true, null, null, null, tamper, null, null, null);
        var now = clock.GetUtcNow();
        CheckInWork[] group =
        [
            new(first, Report(TamperState.Ok), now, null, null),
            new(first, Report(TamperState.Tampered), now.AddMilliseconds(1), null, null),
            new(second, Report(TamperState.Tampered), now.AddMilliseconds(2), null, null),
            new(first, Report(TamperState.Tampered), now.AddMilliseconds(3), null, null),
        ];

        IReadOnlyList<CheckInOutcome> outcomes;
        await using (var connection = await connections.OpenAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            outcomes = await bed.Processor.ApplyBatchAsync(connection, transaction, group, CancellationToken.None);
            await transaction.CommitAsync();
        }

        Assert.All(outcomes, o => Assert.True(o.Accepted));
        Assert.Equal([DeviceChange.CameOnline], outcomes[0].Changes);
        Assert.Equal([DeviceChange.AlertRaised], outcomes[1].Changes); // online since the first; tampering starts here
        Assert.Equal([DeviceChange.CameOnline, DeviceChange.AlertRaised], outcomes[2].Changes);
        Assert.Empty(outcomes[3].Changes); // still tampered: no second alert
        await using var check = await connections.OpenAsync();
        Assert.Equal(4L, await check.ExecuteScalarAsync<long>("SELECT count(*) FROM device_check_ins"));
        Assert.Equal(2L, await check.ExecuteScalarAsync<long>("SELECT count(*) FROM device_alerts WHERE kind = 1"));
        var states = (await check.QueryAsync<(string Serial, int Tamper, bool Online)>(
            "SELECT serial_number, tamper_state, is_online FROM devices ORDER BY serial_number")).ToList();
        Assert.Equal([("SN-1", 1, true), ("SN-2", 1, true)], states);
    }

    [Theory, BothDatabases]
    public async Task An_app_version_is_stored_when_it_changes_within_a_group_and_across_groups(DatabaseProvider provider)
    {
        await using var bed = await Bed.StartAsync(provider);
        var (connections, clock, upgrading, staying) = (bed.Connections, bed.Clock, bed.First, bed.Second);
        var merchant = upgrading.MerchantId;
        CheckInReport Report(string appVersion) => new("A10", "F1", appVersion, 90, "wifi", true, null, null, null, TamperState.Ok, null, null, null);
        async Task ApplyAsync(params CheckInWork[] group)
        {
            await using var connection = await connections.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            Assert.All(await bed.Processor.ApplyBatchAsync(connection, transaction, group, CancellationToken.None), o => Assert.True(o.Accepted));
            await transaction.CommitAsync();
        }

        async Task<List<(string Serial, string AppVersion)>> FilteredAsync(string appVersion)
        {
            // Read through the app-version index, so an entry the check-in failed to move would show here.
            await using var check = await connections.OpenAsync();
            return (await check.QueryAsync<(string, string)>(
                "SELECT serial_number, app_version FROM devices WHERE merchant_id = @merchantId AND app_version = @appVersion ORDER BY serial_number",
                new { merchantId = merchant, appVersion })).ToList();
        }

        var now = clock.GetUtcNow();
        // One group: the upgrading device reports 1.0, then 2.0, then 2.0 again (unchanged against its own earlier row).
        await ApplyAsync(
            new CheckInWork(upgrading, Report("1.0"), now, null, null),
            new CheckInWork(staying, Report("1.0"), now.AddMilliseconds(1), null, null),
            new CheckInWork(upgrading, Report("2.0"), now.AddMilliseconds(2), null, null),
            new CheckInWork(upgrading, Report("2.0"), now.AddMilliseconds(3), null, null));
        Assert.Equal([("SN-1", "2.0")], await FilteredAsync("2.0"));
        Assert.Equal([("SN-2", "1.0")], await FilteredAsync("1.0"));

        // Next group: a rollback to 1.0 is a change again; the other device's unchanged version stays.
        await ApplyAsync(
            new CheckInWork(upgrading, Report("1.0"), now.AddSeconds(60), null, null),
            new CheckInWork(staying, Report("1.0"), now.AddSeconds(61), null, null));
        Assert.Empty(await FilteredAsync("2.0"));
        Assert.Equal([("SN-1", "1.0"), ("SN-2", "1.0")], await FilteredAsync("1.0"));
        if (provider == DatabaseProvider.Sqlite)
        {
            await using var check = await connections.OpenAsync();
            Assert.Equal("ok", await check.ExecuteScalarAsync<string>("PRAGMA integrity_check"));
        }
    }

    [Fact]
    public async Task A_key_another_transaction_stores_while_a_postgres_batch_runs_fails_that_batch_whole_and_its_retry_answers_it_as_repeated()
    {
        // The batch reads the keys its devices used, then writes every row with its COMMIT in one round trip; a portal
        // instance that stores the same check-in in between makes the insert fail, and the writer retries one by one.
        await using var bed = await Bed.StartAsync(DatabaseProvider.Postgres);
        var now = bed.Clock.GetUtcNow();
        var report = new CheckInReport("A10", "F1", "1.0", 90, "wifi", true, null, null, null, TamperState.Ok, null, null, null);
        CheckInWork[] batch = [new(bed.First, report, now, null, null, "resent-1"), new(bed.Second, report, now, null, null)];

        await using var other = await bed.Connections.OpenAsync();
        await using var otherTransaction = await other.BeginTransactionAsync();
        await bed.Processor.ApplyBatchAsync(other, otherTransaction, [batch[0]], CancellationToken.None);

        await using var writer = await bed.Connections.OpenAsync();
        var racing = bed.Processor.ApplyBatchInOwnTransactionAsync(writer, batch, CancellationToken.None);
        await Task.Delay(300); // the insert waits on the other transaction's uncommitted key
        await otherTransaction.CommitAsync();
        var failure = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => racing);
        Assert.Equal(Npgsql.PostgresErrorCodes.UniqueViolation, failure.SqlState);

        // Rolled back whole, and the connection is ready for the retry.
        Assert.Equal(0L, await writer.ExecuteScalarAsync<long>("SELECT count(*) FROM device_check_ins WHERE device_id = @id", new { id = bed.Second.DeviceId }));
        var retried = await bed.Processor.ApplyBatchInOwnTransactionAsync(writer, batch, CancellationToken.None);
        Assert.True(retried[0].Accepted && retried[0].Repeated);
        Assert.True(retried[1].Accepted && !retried[1].Repeated);
        Assert.Equal(1L, await writer.ExecuteScalarAsync<long>("SELECT count(*) FROM device_check_ins WHERE device_id = @id", new { id = bed.First.DeviceId }));
        Assert.Equal(1L, await writer.ExecuteScalarAsync<long>("SELECT count(*) FROM device_check_ins WHERE device_id = @id", new { id = bed.Second.DeviceId }));
    }

    /// <summary>A migrated database with one merchant and two enrolled terminals (SN-1, SN-2, on app version 1.0), and the processor.</summary>
    internal sealed class Bed(TestDatabase database, IDbConnectionFactory connections, TestClock clock, CheckInProcessor processor,
        DeviceIdentity first, DeviceIdentity second) : IAsyncDisposable
    {
        public IDbConnectionFactory Connections => connections;
        public TestClock Clock => clock;
        public CheckInProcessor Processor => processor;
        public DeviceIdentity First => first;
        public DeviceIdentity Second => second;

        public static async Task<Bed> StartAsync(DatabaseProvider provider)
        {
            var (database, connections) = await TestDatabase.CreateMigratedAsync(provider);
            var clock = new TestClock(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
            var options = Options.Create(new DeviceOptions { CheckInIntervalSeconds = 60 });
            var live = new InProcessLiveUpdates(NullLogger<InProcessLiveUpdates>.Instance);
            var audit = new AdminPortal.Features.Audit.AuditLog(connections, clock, new AdminPortal.Features.Audit.AuditChainKeys(AdminPortal.Features.Audit.AuditChainKeys.NewKey()));
            var merchants = new MerchantDirectory(connections, clock);
            var (merchant, store) = await DeviceApiHarness.AddMerchantAsync(merchants, "A");
            var codes = await new EnrollmentCodes(connections, merchants, audit, clock, options)
                .CreateAsync(DeviceApiHarness.Admin, DeviceActor.CommandLine, merchant.Id, store.Id, 2);
            var enrollment = new DeviceEnrollment(connections, audit, live, clock, options, NullLogger<DeviceEnrollment>.Instance, new DeviceCredentials(connections, options, live));
            async Task<DeviceIdentity> EnrollAsync(string code, string serial)
            {
                var device = (await enrollment.EnrollAsync(new EnrollmentDetails(code, serial, "A920", "PAX", "A10", "F1", "1.0"), null, CancellationToken.None))!;
                return new DeviceIdentity(merchant.Id, device.DeviceId, store.Id, serial, DeviceStatus.Active, 60);
            }

            return new Bed(database, connections, clock, new CheckInProcessor(connections, audit, options),
                await EnrollAsync(codes[0].Code, "SN-1"), await EnrollAsync(codes[1].Code, "SN-2"));
        }

        public ValueTask DisposeAsync() => database.DisposeAsync();
    }
}
