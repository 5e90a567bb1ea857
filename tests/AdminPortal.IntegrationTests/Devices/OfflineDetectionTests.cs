using AdminPortal.Features.Devices;
using AdminPortal.Features.Devices.Api;
using AdminPortal.Features.Devices.CheckIns;
using AdminPortal.Features.Devices.Commands;
using AdminPortal.Features.Devices.Enrollment;
using AdminPortal.Features.Devices.Monitoring;
using AdminPortal.Features.Merchants;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Infrastructure.LiveUpdates;
using AdminPortal.Testing;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AdminPortal.IntegrationTests.Devices;

public sealed class OfflineDetectionTests
{
    // These tests build the services by hand, without the portal host that registers the Merchants JSON column.
    static OfflineDetectionTests() => DapperTypeHandlers.AddJson<OpeningHours>();

    [Theory, BothDatabases]
    public async Task Three_missed_intervals_mean_offline_once_and_the_next_check_in_brings_it_back(DatabaseProvider provider)
    {
        var (database, connections) = await TestDatabase.CreateMigratedAsync(provider);
        await using var _ = database;
        var clock = new TestClock(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        var options = Options.Create(new DeviceOptions { CheckInIntervalSeconds = 60 });
        var live = new InProcessLiveUpdates(NullLogger<InProcessLiveUpdates>.Instance);
        var audit = new AdminPortal.Features.Audit.AuditLog(connections, clock, new AdminPortal.Features.Audit.AuditChainKeys(AdminPortal.Features.Audit.AuditChainKeys.NewKey()));
        var merchants = new MerchantDirectory(connections, clock);
        var (merchant, store) = await DeviceApiHarness.AddMerchantAsync(merchants, "A");
        var code = (await new EnrollmentCodes(connections, merchants, audit, clock, options)
            .CreateAsync(DeviceApiHarness.Admin, DeviceActor.CommandLine, merchant.Id, store.Id, 1)).Single();
        var device = (await new DeviceEnrollment(connections, audit, live, clock, options, NullLogger<DeviceEnrollment>.Instance, new DeviceCredentials(connections, options, live))
            .EnrollAsync(new EnrollmentDetails(code.Code, "SN-1", "A920", "PAX", "A10", "F1", "1.0"), null, CancellationToken.None))!;
        var identity = new DeviceIdentity(merchant.Id, device.DeviceId, store.Id, "SN-1", DeviceStatus.Active, 60);
        var processor = new CheckInProcessor(connections, audit, options);
        var monitor = new DeviceHealthMonitor(connections, live, clock, options, NullLogger<DeviceHealthMonitor>.Instance);
        var wentOffline = new TaskCompletionSource<DeviceChanged>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = live.Subscribe<DeviceChanged>(null, c =>
        {
            if (c.Change == DeviceChange.WentOffline)
            {
                wentOffline.TrySetResult(c);
            }

            return Task.CompletedTask;
        });
        var report = new CheckInReport("A10", "F1", "1.0", 90, "wifi", true, null, null, null, TamperState.Ok, null, null, null);
        async Task CheckInAsync()
        {
            await using var connection = await connections.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await processor.ApplyAsync(connection, transaction, new CheckInWork(identity, report, clock.GetUtcNow(), null, null), CancellationToken.None);
            await transaction.CommitAsync();
        }

        await CheckInAsync();
        clock.Advance(TimeSpan.FromSeconds(179));
        var early = await monitor.SweepAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(2));
        var late = await monitor.SweepAsync(CancellationToken.None);
        var again = await monitor.SweepAsync(CancellationToken.None);

        Assert.Empty(early.WentOffline);
        Assert.Equal([device.DeviceId], late.WentOffline);
        Assert.Empty(again.WentOffline);
        await using (var connection = await connections.OpenAsync())
        {
            Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM device_alerts WHERE kind = 4 AND resolved_at IS NULL"));
        }

        await CheckInAsync();
        await using (var connection = await connections.OpenAsync())
        {
            Assert.Equal(0L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM device_alerts WHERE resolved_at IS NULL"));
            Assert.True(await connection.ExecuteScalarAsync<bool>("SELECT is_online FROM devices"));
        }

        // Live updates are delivered off the publisher's thread.
        Assert.Equal(device.DeviceId, (await wentOffline.Task.WaitAsync(TimeSpan.FromSeconds(10))).DeviceId);
    }

    [Theory, BothDatabases]
    public async Task Commands_not_acknowledged_in_time_expire(DatabaseProvider provider)
    {
        var (database, connections) = await TestDatabase.CreateMigratedAsync(provider);
        await using var _ = database;
        var clock = new TestClock(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        var options = Options.Create(new DeviceOptions { CommandLifetimeHours = 1 });
        var live = new InProcessLiveUpdates(NullLogger<InProcessLiveUpdates>.Instance);
        var audit = new AdminPortal.Features.Audit.AuditLog(connections, clock, new AdminPortal.Features.Audit.AuditChainKeys(AdminPortal.Features.Audit.AuditChainKeys.NewKey()));
        var merchants = new MerchantDirectory(connections, clock);
        var (merchant, store) = await DeviceApiHarness.AddMerchantAsync(merchants, "A");
        var code = (await new EnrollmentCodes(connections, merchants, audit, clock, options)
            .CreateAsync(DeviceApiHarness.Admin, DeviceActor.CommandLine, merchant.Id, store.Id, 1)).Single();
        var device = (await new DeviceEnrollment(connections, audit, live, clock, options, NullLogger<DeviceEnrollment>.Instance, new DeviceCredentials(connections, options, live))
            .EnrollAsync(new EnrollmentDetails(code.Code, "SN-1", "A920", "PAX", "A10", "F1", "1.0"), null, CancellationToken.None))!;
        var commands = new DeviceCommandService(connections, audit, live, clock, options, new UnusedStepUp(), new DeviceCredentials(connections, options, live));
        var id = await commands.IssueAsync(DeviceApiHarness.Admin, DeviceActor.CommandLine, device.DeviceId, DeviceCommandType.Reboot);
        var monitor = new DeviceHealthMonitor(connections, live, clock, options, NullLogger<DeviceHealthMonitor>.Instance);

        var before = await monitor.SweepAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromHours(1));
        var after = await monitor.SweepAsync(CancellationToken.None);
        var identity = new DeviceIdentity(merchant.Id, device.DeviceId, store.Id, "SN-1", DeviceStatus.Active, 300);
        var (result, status) = await commands.AcknowledgeAsync(identity, id, succeeded: true, null);

        Assert.Equal(0, before.CommandsExpired);
        Assert.Equal(1, after.CommandsExpired);
        Assert.Equal((AckResult.Conflict, DeviceCommandStatus.Expired), (result, status));
    }

    /// <summary>A reboot needs no step-up: the command service must not ask for one.</summary>
    private sealed class UnusedStepUp : AdminPortal.Features.Accounts.StepUp.IStepUp
    {
        public Task<bool> IsFreshAsync(System.Security.Claims.ClaimsPrincipal user, CancellationToken ct = default) => throw new InvalidOperationException("A reboot asked for step-up.");
        public Task EnsureFreshAsync(System.Security.Claims.ClaimsPrincipal user, CancellationToken ct = default) => throw new InvalidOperationException("A reboot asked for step-up.");
        public Task<AdminPortal.Features.Accounts.WebAuthn.CeremonyStart> BeginAsync(System.Security.Claims.ClaimsPrincipal user, CancellationToken ct = default) => throw new InvalidOperationException("A reboot asked for step-up.");
        public Task<bool> CompleteAsync(System.Security.Claims.ClaimsPrincipal user, Guid requestId, string responseJson, CancellationToken ct = default) => throw new InvalidOperationException("A reboot asked for step-up.");
    }
}
