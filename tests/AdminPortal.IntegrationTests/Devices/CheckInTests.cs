using System.Net;
using AdminPortal.Features.Devices;
using AdminPortal.Features.Devices.Commands;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Infrastructure.LiveUpdates;
using AdminPortal.Testing;
using Dapper;

namespace AdminPortal.IntegrationTests.Devices;

public sealed class CheckInTests
{
    [Theory, BothDatabases]
    public async Task A_check_in_records_the_state_and_answers_commands_policy_and_interval(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var terminal = await api.EnrollAsync();

        var answer = await terminal.CheckInAsync(DeviceApiHarness.CheckInBody(lat: 52.5201, lon: 13.4051, appVersion: "3.5.0"));

        Assert.Empty(answer.Commands);
        Assert.Null(answer.PatchPolicy);
        Assert.Equal(300, answer.NextCheckInSeconds);
        await using var connection = await api.Portal.GetService<IDbConnectionFactory>().OpenAsync();
        var device = await connection.QuerySingleAsync<(string App, long Battery, double Distance)>(
            "SELECT app_version, CAST(battery_percent AS BIGINT), distance_from_store_m FROM devices");
        Assert.Equal("3.5.0", device.App);
        Assert.Equal(80, device.Battery);
        Assert.InRange(device.Distance, 0, 50);
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM device_check_ins"));
    }

    [Theory, BothDatabases]
    public async Task Tamper_rooting_and_distance_raise_one_alert_each_when_they_start_and_push_a_live_update(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var terminal = await api.EnrollAsync();
        var raised = new TaskCompletionSource<DeviceChanged>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = api.Portal.GetService<ILiveUpdates>().Subscribe<DeviceChanged>([api.Merchant.Id], change =>
        {
            if (change.Change == DeviceChange.AlertRaised)
            {
                raised.TrySetResult(change);
            }

            return Task.CompletedTask;
        });

        // Munich is ~500 km from the Berlin store.
        await terminal.CheckInAsync(DeviceApiHarness.CheckInBody(tamper: "tampered", rooted: true, lat: 48.137, lon: 11.575));
        await terminal.CheckInAsync(DeviceApiHarness.CheckInBody(tamper: "tampered", rooted: true, lat: 48.137, lon: 11.575));

        Assert.Equal(terminal.DeviceId, (await raised.Task.WaitAsync(TimeSpan.FromSeconds(10))).DeviceId);
        await using var connection = await api.Portal.GetService<IDbConnectionFactory>().OpenAsync();
        var kinds = (await connection.QueryAsync<long>("SELECT CAST(kind AS BIGINT) FROM device_alerts ORDER BY kind")).ToList();
        Assert.Equal([(long)DeviceAlertKind.Tamper, (long)DeviceAlertKind.Rooted, (long)DeviceAlertKind.FarFromStore], kinds);
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'device.tamper-reported'"));
    }

    [Theory, BothDatabases]
    public async Task Concurrent_check_ins_are_all_committed_before_they_are_answered(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var terminals = new List<DeviceApiHarness.Terminal>();
        for (var i = 0; i < 8; i++)
        {
            terminals.Add(await api.EnrollAsync($"SN-{i}"));
        }

        await Task.WhenAll(terminals.SelectMany(t => Enumerable.Range(0, 5).Select(_ => t.CheckInAsync())));

        await using var connection = await api.Portal.GetService<IDbConnectionFactory>().OpenAsync();
        Assert.Equal(40L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM device_check_ins"));
    }

    [Theory, BothDatabases]
    public async Task Retired_and_wiped_devices_and_unknown_secrets_get_401(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var retired = await api.EnrollAsync("SN-R");
        var wiped = await api.EnrollAsync("SN-W");
        var commands = api.Portal.GetService<DeviceCommandService>();
        foreach (var (terminal, type) in new[] { (retired, DeviceCommandType.Retire), (wiped, DeviceCommandType.Wipe) })
        {
            await commands.IssueAsync(DeviceApiHarness.Admin, DeviceActor.CommandLine, terminal.DeviceId, type);
            var command = Assert.Single((await terminal.CheckInAsync()).Commands);
            Assert.Equal(HttpStatusCode.OK, (await terminal.AckAsync(command.Id)).StatusCode);
        }

        var unknown = new DeviceApiHarness.Terminal(Guid.NewGuid(), DeviceSecrets.NewDeviceSecret(), api.Client);
        foreach (var terminal in new[] { retired, wiped, unknown })
        {
            var response = await terminal.PostAsync("/api/v1/devices/checkin", DeviceApiHarness.CheckInBody());
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
            await DeviceApiHarness.ProblemAsync(response);
        }

        var noHeader = await api.Client.PostAsync("/api/v1/devices/checkin", System.Net.Http.Json.JsonContent.Create(DeviceApiHarness.CheckInBody()));
        Assert.Equal(HttpStatusCode.Unauthorized, noHeader.StatusCode);
    }
}
