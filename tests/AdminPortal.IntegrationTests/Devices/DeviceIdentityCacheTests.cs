using System.Net;
using AdminPortal.Features.Devices;
using AdminPortal.Features.Devices.Api;
using AdminPortal.Features.Devices.Commands;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using Dapper;

namespace AdminPortal.IntegrationTests.Devices;

/// <summary>
/// Device identities are cached in memory between requests (a minute by default), so each test first makes the
/// terminal authenticate (its identity is then cached) and proves the change takes effect on the very next request.
/// </summary>
public sealed class DeviceIdentityCacheTests
{
    [Theory, BothDatabases]
    public async Task A_retired_terminal_is_refused_at_once_although_its_identity_was_cached(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var terminal = await api.EnrollAsync();
        var commands = api.Portal.GetService<DeviceCommandService>();
        var reboot = await commands.IssueAsync(DeviceApiHarness.Admin, DeviceActor.CommandLine, terminal.DeviceId, DeviceCommandType.Reboot);
        var retire = await commands.IssueAsync(DeviceApiHarness.Admin, DeviceActor.CommandLine, terminal.DeviceId, DeviceCommandType.Retire);
        Assert.Equal(2, (await terminal.CheckInAsync()).Commands.Count);

        Assert.Equal(HttpStatusCode.OK, (await terminal.AckAsync(retire)).StatusCode);
        // The acknowledgement endpoint trusts the authenticated identity: only the credential check can refuse this one.
        var ackAfterRetirement = await terminal.AckAsync(reboot);
        var checkInAfterRetirement = await terminal.PostAsync("/api/v1/devices/checkin", DeviceApiHarness.CheckInBody());

        Assert.Equal(HttpStatusCode.Unauthorized, ackAfterRetirement.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, checkInAfterRetirement.StatusCode);
        Assert.Equal(DeviceCommandStatus.Delivered, await CommandStatusAsync(api, reboot));
    }

    [Theory, BothDatabases]
    public async Task A_locked_terminal_is_seen_locked_at_once_so_its_unlock_applies(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var terminal = await api.EnrollAsync();
        var commands = api.Portal.GetService<DeviceCommandService>();
        var lockId = await commands.IssueAsync(DeviceApiHarness.Admin, DeviceActor.CommandLine, terminal.DeviceId, DeviceCommandType.Lock);
        await terminal.CheckInAsync();
        Assert.Equal(HttpStatusCode.OK, (await terminal.AckAsync(lockId)).StatusCode);
        Assert.Equal(DeviceStatus.Locked, await DeviceStatusAsync(api));

        var unlockId = await commands.IssueAsync(DeviceApiHarness.Admin, DeviceActor.CommandLine, terminal.DeviceId, DeviceCommandType.Unlock);
        await terminal.CheckInAsync();
        // An unlock changes a locked device only: had the identity from before the lock stayed cached ("active"), this would not unlock.
        Assert.Equal(HttpStatusCode.OK, (await terminal.AckAsync(unlockId)).StatusCode);

        Assert.Equal(DeviceStatus.Active, await DeviceStatusAsync(api));
    }

    [Theory, BothDatabases]
    public async Task A_re_enrolled_terminal_s_earlier_secret_stops_working_at_once(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var before = await api.EnrollAsync("SN-7");
        await before.CheckInAsync();

        var after = await api.EnrollAsync("SN-7");
        var withEarlierSecret = await before.PostAsync("/api/v1/devices/checkin", DeviceApiHarness.CheckInBody());

        Assert.Equal(before.DeviceId, after.DeviceId);
        Assert.Equal(HttpStatusCode.Unauthorized, withEarlierSecret.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await after.PostAsync("/api/v1/devices/checkin", DeviceApiHarness.CheckInBody())).StatusCode);
    }

    [Theory, BothDatabases]
    public async Task A_change_announced_by_another_instance_is_forgotten_here(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var credentials = api.Portal.GetService<DeviceCredentials>();
        var live = api.Portal.GetService<AdminPortal.Infrastructure.LiveUpdates.ILiveUpdates>();
        // The enrollment announces itself too, and that message (through NOTIFY on PostgreSQL) may arrive after the
        // identity below was cached and forget it: wait for it first, so the only message that matters is the test's.
        var enrolled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        DeviceApiHarness.Terminal terminal;
        using (live.Subscribe<DeviceChanged>(null, change =>
               {
                   if (change.Change == DeviceChange.Enrolled)
                   {
                       enrolled.TrySetResult();
                   }

                   return Task.CompletedTask;
               }))
        {
            terminal = await api.EnrollAsync();
            await enrolled.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }

        // Delivered to each subscriber on its own task: give the cache's own handler of that message time to run.
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.NotNull(await credentials.AuthenticateAsync(terminal.Secret, CancellationToken.None));

        // Another instance retires the device: the row changes behind this instance's back, then the message arrives.
        await using (var connection = await api.Portal.GetService<IDbConnectionFactory>().OpenAsync())
        {
            await connection.ExecuteAsync("UPDATE devices SET status = @retired, secret_hash = NULL", new { retired = (int)DeviceStatus.Retired });
        }

        Assert.NotNull(await credentials.AuthenticateAsync(terminal.Secret, CancellationToken.None));
        live.Publish(api.Merchant.Id, new DeviceChanged(api.Merchant.Id, terminal.DeviceId, DeviceChange.StatusChanged));
        // Messages are delivered on the thread pool: this waits for that delivery, the cache is not expected to expire.
        await WhenAsync(async () => await credentials.AuthenticateAsync(terminal.Secret, CancellationToken.None) is null);
    }

    [Theory, BothDatabases]
    public async Task A_terminal_that_was_not_cached_is_measured_as_a_lookup_and_a_cached_one_is_not(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var credentials = api.Portal.GetService<DeviceCredentials>();
        var terminal = await api.EnrollAsync();
        using var measured = new CheckInMeterRecorder(api.Portal);

        Assert.NotNull(await credentials.AuthenticateAsync(terminal.Secret, CancellationToken.None));
        Assert.NotNull(await credentials.AuthenticateAsync(terminal.Secret, CancellationToken.None));

        // Only the first call asked the database: one query for one credential.
        Assert.Equal([1.0], measured.Of("adminportal.device.credential.lookup.size"));
        Assert.InRange(Assert.Single(measured.Of("adminportal.device.credential.lookup.duration")), double.Epsilon, 60);
        Assert.InRange(Assert.Single(measured.Of("adminportal.device.credential.miss.duration")), double.Epsilon, 60);
    }

    [Theory, BothDatabases]
    public async Task Terminals_authenticating_at_once_each_get_their_own_identity_and_a_retired_one_none(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var credentials = api.Portal.GetService<DeviceCredentials>();
        var terminals = new List<DeviceApiHarness.Terminal>();
        for (var i = 0; i < 12; i++)
        {
            terminals.Add(await api.EnrollAsync($"SN-{i:D4}"));
        }

        // Retired behind this instance's back and never authenticated before: only the shared lookup can refuse it.
        var retired = terminals[5];
        await using (var connection = await api.Portal.GetService<IDbConnectionFactory>().OpenAsync())
        {
            await connection.ExecuteAsync("UPDATE devices SET status = @retired WHERE id = @id", new { retired = (int)DeviceStatus.Retired, id = retired.DeviceId });
        }

        credentials.Forget(retired.DeviceId);

        // Many at once, several times each: concurrent misses are answered by shared queries (secret_hash IN (…)),
        // and each answer must be the identity of the secret that asked.
        var secrets = terminals.Select(t => t.Secret).Append(DeviceSecrets.NewDeviceSecret()).ToArray();
        using var start = new ManualResetEventSlim();
        var lookups = Enumerable.Range(0, secrets.Length * 4).Select(i => Task.Run(async () =>
        {
            start.Wait();
            var secret = secrets[i % secrets.Length];
            return (Secret: secret, Identity: await credentials.AuthenticateAsync(secret, CancellationToken.None));
        })).ToArray();
        start.Set();

        foreach (var (secret, identity) in await Task.WhenAll(lookups))
        {
            var terminal = terminals.SingleOrDefault(t => t.Secret == secret);
            if (terminal is null || terminal == retired)
            {
                Assert.Null(identity);
            }
            else
            {
                Assert.Equal(terminal.DeviceId, identity?.DeviceId);
            }
        }
    }

    private static async Task WhenAsync(Func<Task<bool>> condition)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail("The cached identity was never forgotten.");
    }

    private static async Task<DeviceStatus> DeviceStatusAsync(DeviceApiHarness api)
    {
        await using var connection = await api.Portal.GetService<IDbConnectionFactory>().OpenAsync();
        return (DeviceStatus)await connection.ExecuteScalarAsync<long>("SELECT CAST(status AS BIGINT) FROM devices");
    }

    private static async Task<DeviceCommandStatus> CommandStatusAsync(DeviceApiHarness api, Guid id)
    {
        await using var connection = await api.Portal.GetService<IDbConnectionFactory>().OpenAsync();
        return (DeviceCommandStatus)await connection.ExecuteScalarAsync<long>(
            "SELECT CAST(status AS BIGINT) FROM device_commands WHERE id = @id", new { id });
    }
}
