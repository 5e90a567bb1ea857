using AdminPortal.Features.Devices;
using AdminPortal.Features.Devices.Api;
using AdminPortal.Features.Devices.CheckIns;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using Dapper;

namespace AdminPortal.IntegrationTests.Devices;

public sealed class CheckInWriterTests
{
    [Theory, BothDatabases]
    public async Task Check_ins_queued_together_are_all_stored_and_each_device_is_judged_in_its_own_order(DatabaseProvider provider)
    {
        // On PostgreSQL the writer here has two lanes, each owning a share of the devices (one is the default); SQLite
        // always has one. Five devices, an odd number, so a writer that dealt check-ins out in turn would split each
        // device's over both lanes.
        await using var harness = await DeviceApiHarness.StartAsync(provider, new Dictionary<string, string?> { ["Devices:CheckInWritersOnPostgres"] = "2" });
        var devices = await EnrollAsync(harness, 5);

        // Each device: fine, tampered, still tampered, fine again, tampered again: two tamper alerts if its check-ins
        // are applied in the order they were queued, a different count if any lane reordered or raced them.
        TamperState[] steps = [TamperState.Ok, TamperState.Tampered, TamperState.Tampered, TamperState.Ok, TamperState.Tampered];
        var writer = harness.Portal.GetService<CheckInWriter>();
        var start = DateTimeOffset.UtcNow;
        var answers = new List<Task<CheckInOutcome>>();
        for (var step = 0; step < steps.Length; step++)
        {
            foreach (var device in devices)
            {
                var report = new CheckInReport("A10", "F1", "3.4.0", 80, "wifi", true, null, null, null, steps[step], null, false, true);
                answers.Add(writer.WriteAsync(new CheckInWork(device, report, start.AddMilliseconds(step), null, null), CancellationToken.None));
            }
        }

        Assert.All(await Task.WhenAll(answers), outcome => Assert.True(outcome.Accepted));
        await using var check = await harness.Portal.GetService<IDbConnectionFactory>().OpenAsync();
        Assert.Equal(25L, await check.ExecuteScalarAsync<long>("SELECT count(*) FROM device_check_ins"));
        var alertsPerDevice = (await check.QueryAsync<(Guid DeviceId, long Alerts)>(
            "SELECT device_id, count(*) FROM device_alerts WHERE kind = @kind GROUP BY device_id",
            new { kind = (int)DeviceAlertKind.Tamper })).ToDictionary(r => r.DeviceId, r => r.Alerts);
        Assert.All(devices, device => Assert.Equal(2L, alertsPerDevice.GetValueOrDefault(device.DeviceId)));
        Assert.Equal(5L, await check.ExecuteScalarAsync<long>("SELECT count(*) FROM devices WHERE tamper_state = 1"));
    }

    [Theory, BothDatabases]
    public async Task The_writer_reports_each_check_ins_queue_wait_and_each_batchs_size_and_commit_time(DatabaseProvider provider)
    {
        await using var harness = await DeviceApiHarness.StartAsync(provider);
        var devices = await EnrollAsync(harness, 3);

        using var measured = new CheckInMeterRecorder(harness.Portal);

        var writer = harness.Portal.GetService<CheckInWriter>();
        var report = new CheckInReport("A10", "F1", "3.4.0", 80, "wifi", true, null, null, null, TamperState.Ok, null, false, true);
        await Task.WhenAll(devices.Select(d => writer.WriteAsync(new CheckInWork(d, report, DateTimeOffset.UtcNow, null, null), CancellationToken.None)));

        Assert.Equal(3, measured.Of("adminportal.checkin.queued.duration").Count);
        Assert.All(measured.Of("adminportal.checkin.queued.duration"), value => Assert.InRange(value, 0, 60));
        var batches = measured.Of("adminportal.checkin.batch.size");
        Assert.Equal(3, batches.Sum());
        var commits = measured.Of("adminportal.checkin.commit.duration");
        Assert.Equal(batches.Count, commits.Count);
        Assert.All(commits, value => Assert.InRange(value, double.Epsilon, 60));
    }

    /// <summary>Enrolls terminals SN-0000, SN-0001, … through the API, as the writer knows them once authenticated.</summary>
    private static async Task<List<DeviceIdentity>> EnrollAsync(DeviceApiHarness harness, int count)
    {
        var devices = new List<DeviceIdentity>();
        for (var i = 0; i < count; i++)
        {
            var serial = $"SN-{i:0000}";
            var terminal = await harness.EnrollAsync(serial);
            devices.Add(new DeviceIdentity(harness.Merchant.Id, terminal.DeviceId, harness.Store.Id, serial, DeviceStatus.Active, 60));
        }

        return devices;
    }
}
