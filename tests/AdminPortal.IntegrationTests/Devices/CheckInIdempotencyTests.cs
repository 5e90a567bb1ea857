using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AdminPortal.Features.Devices;
using AdminPortal.Features.Devices.Api;
using AdminPortal.Features.Devices.Commands;
using AdminPortal.Features.Devices.Monitoring;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using Dapper;

namespace AdminPortal.IntegrationTests.Devices;

/// <summary>
/// A terminal resends a check-in whose answer it lost with the same Idempotency-Key: the portal answers it without
/// storing, alerting or auditing it a second time.
/// </summary>
public sealed class CheckInIdempotencyTests
{
    [Theory, BothDatabases]
    public async Task The_same_key_twice_stores_one_check_in_raises_one_alert_and_gives_the_same_answer(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var terminal = await api.EnrollAsync();
        var command = await api.Portal.GetService<DeviceCommandService>()
            .IssueAsync(DeviceApiHarness.Admin, DeviceActor.CommandLine, terminal.DeviceId, DeviceCommandType.Reboot);
        var body = DeviceApiHarness.CheckInBody(tamper: "tampered", appVersion: "3.5.0");

        var first = await CheckInAsync(terminal, body, "ci-0001");
        var retry = await CheckInAsync(terminal, body, "ci-0001");

        Assert.Equal(command, Assert.Single(first.Commands).Id);
        Assert.Equal(first.Commands.Select(c => (c.Id, c.Type)), retry.Commands.Select(c => (c.Id, c.Type)));
        Assert.Equal(first.NextCheckInSeconds, retry.NextCheckInSeconds);
        await using var connection = await api.Portal.GetService<IDbConnectionFactory>().OpenAsync();
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM device_check_ins"));
        Assert.Equal("ci-0001", await connection.ExecuteScalarAsync<string>("SELECT idempotency_key FROM device_check_ins"));
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM device_alerts WHERE kind = @kind", new { kind = (int)DeviceAlertKind.Tamper }));
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'device.tamper-reported'"));
    }

    [Theory, BothDatabases]
    public async Task Concurrent_resends_of_one_key_store_one_check_in(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var terminal = await api.EnrollAsync();

        // Sent together they land in one group commit: the duplicates are decided inside the batch as well.
        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => CheckInAsync(terminal, DeviceApiHarness.CheckInBody(), "same:key")));

        await using var connection = await api.Portal.GetService<IDbConnectionFactory>().OpenAsync();
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM device_check_ins"));
    }

    [Theory, BothDatabases]
    public async Task Different_keys_and_no_key_are_separate_check_ins(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var terminal = await api.EnrollAsync();

        await CheckInAsync(terminal, DeviceApiHarness.CheckInBody(), "key-a");
        await CheckInAsync(terminal, DeviceApiHarness.CheckInBody(), "key-b");
        await terminal.CheckInAsync();
        await terminal.CheckInAsync();

        await using var connection = await api.Portal.GetService<IDbConnectionFactory>().OpenAsync();
        Assert.Equal(4L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM device_check_ins"));
    }

    [Theory, BothDatabases]
    public async Task The_same_key_from_two_devices_stores_both(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var one = await api.EnrollAsync("SN-1");
        var two = await api.EnrollAsync("SN-2");

        await CheckInAsync(one, DeviceApiHarness.CheckInBody(), "shared.key");
        await CheckInAsync(two, DeviceApiHarness.CheckInBody(), "shared.key");

        await using var connection = await api.Portal.GetService<IDbConnectionFactory>().OpenAsync();
        var devices = (await connection.QueryAsync<Guid>("SELECT device_id FROM device_check_ins")).ToList();
        Assert.Equal(2, devices.Count);
        Assert.Contains(one.DeviceId, devices);
        Assert.Contains(two.DeviceId, devices);
    }

    [Theory, BothDatabases]
    public async Task An_invalid_key_gets_422_naming_the_header_and_nothing_is_stored(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var terminal = await api.EnrollAsync();
        var command = await api.Portal.GetService<DeviceCommandService>()
            .IssueAsync(DeviceApiHarness.Admin, DeviceActor.CommandLine, terminal.DeviceId, DeviceCommandType.Reboot);

        foreach (var key in new[] { "has space", "slash/not-allowed", new string('k', 65) })
        {
            var response = await SendAsync(terminal, "/api/v1/devices/checkin", DeviceApiHarness.CheckInBody(), key);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.True((await ErrorsAsync(response)).ContainsKey("Idempotency-Key"), key);
        }

        // A card number as a key is refused by the card-number guard, which names where and never echoes it.
        var pan = await SendAsync(terminal, "/api/v1/devices/checkin", DeviceApiHarness.CheckInBody(), "4111111111111111");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, pan.StatusCode);
        Assert.True((await ErrorsAsync(pan)).ContainsKey("(header Idempotency-Key)"));

        var ack = await SendAsync(terminal, $"/api/v1/devices/commands/{command}/ack", new { status = "succeeded" }, "bad key");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, ack.StatusCode);
        Assert.True((await ErrorsAsync(ack)).ContainsKey("Idempotency-Key"));
        var validAck = await SendAsync(terminal, $"/api/v1/devices/commands/{command}/ack", new { status = "succeeded" }, "ack:1");
        Assert.Equal(HttpStatusCode.OK, validAck.StatusCode);

        await using var connection = await api.Portal.GetService<IDbConnectionFactory>().OpenAsync();
        Assert.Equal(0L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM device_check_ins"));
    }

    [Theory, BothDatabases]
    public async Task After_the_retention_window_the_key_is_forgotten_and_may_be_used_again(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var terminal = await api.EnrollAsync();
        await CheckInAsync(terminal, DeviceApiHarness.CheckInBody(), "reused-key");
        await using var connection = await api.Portal.GetService<IDbConnectionFactory>().OpenAsync();
        await connection.ExecuteAsync("UPDATE device_check_ins SET received_at = @old",
            new { old = DateTimeOffset.UtcNow.AddHours(-25) });

        var sweep = await api.Portal.GetService<DeviceHealthMonitor>().SweepAsync(CancellationToken.None);
        await CheckInAsync(terminal, DeviceApiHarness.CheckInBody(), "reused-key");

        Assert.Equal(1, sweep.IdempotencyKeysForgotten);
        Assert.Equal(2L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM device_check_ins"));
    }

    private static Task<HttpResponseMessage> SendAsync(DeviceApiHarness.Terminal terminal, string path, object body, string key) =>
        terminal.SendAsync(path, JsonContent.Create(body), key);

    private static async Task<CheckInResponse> CheckInAsync(DeviceApiHarness.Terminal terminal, object body, string key)
    {
        var response = await SendAsync(terminal, "/api/v1/devices/checkin", body, key);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<CheckInResponse>())!;
    }

    private static async Task<Dictionary<string, JsonElement>> ErrorsAsync(HttpResponseMessage response) =>
        (await DeviceApiHarness.ProblemAsync(response)).GetProperty("errors").EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
}
