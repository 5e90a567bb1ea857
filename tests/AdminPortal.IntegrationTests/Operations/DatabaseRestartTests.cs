using System.Net;
using AdminPortal.Features.Devices;
using AdminPortal.Features.Devices.Enrollment;
using AdminPortal.Features.Merchants;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Infrastructure.LiveUpdates;
using AdminPortal.IntegrationTests.Devices;
using AdminPortal.Testing;
using Xunit.Abstractions;

namespace AdminPortal.IntegrationTests.Operations;

public sealed class DatabaseRestartTests(ITestOutputHelper output)
{
    // Stops and starts a PostgreSQL server, which only the test's own cluster may suffer; SQLite has no server to restart.
    [Fact]
    public async Task A_PostgreSQL_restart_during_load_loses_and_duplicates_nothing_and_readiness_follows_the_database()
    {
        await using var postgres = await ThrowawayPostgres.StartAsync();
        var connectionString = await postgres.CreateDatabaseAsync("portal");
        // The portal uses the throwaway cluster's database (the one PortalHost makes on the shared cluster stays unused).
        await using var portal = await PortalHost.StartAsync(DatabaseProvider.Postgres, new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = connectionString,
            ["Devices:RequestsPerMinutePerDevice"] = "100000",
        });
        using var client = portal.CreatePortalClient();
        var (merchant, store) = await DeviceApiHarness.AddMerchantAsync(portal.GetService<MerchantDirectory>(), "PGRESTART");
        var codes = await portal.GetService<EnrollmentCodes>().CreateAsync(DeviceApiHarness.Admin, DeviceActor.CommandLine, merchant.Id, store.Id, 8, 24);
        var fleet = new TerminalFleet(portal.BaseAddress, await TerminalFleet.EnrollAsync(client, codes.Select(c => c.Code)), rounds: 40, eventsPerBatch: 10);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);

        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var load = fleet.RunAsync(stop.Token);
        await portal.WaitUntilAsync(() => Task.FromResult(fleet.AcknowledgedCheckIns.Count >= 40), TimeSpan.FromSeconds(60));
        await postgres.StopAsync();
        await portal.WaitUntilAsync(async () => (await client.GetAsync("/readyz")).StatusCode == HttpStatusCode.ServiceUnavailable);
        var ackedWhileDown = fleet.AcknowledgedCheckIns.Count + fleet.AcknowledgedEvents.Count;
        await portal.WaitUntilAsync(() => Task.FromResult(fleet.Failures > 0));
        await postgres.StartAgainAsync();
        await load.WaitAsync(TimeSpan.FromMinutes(3));

        // Ready again without a restart of the portal, live-update listener included ("Healthy", not "Degraded").
        await portal.WaitUntilAsync(async () => await (await client.GetAsync("/readyz")).Content.ReadAsStringAsync() == "Healthy",
            TimeSpan.FromSeconds(30));
        var verdict = await fleet.VerifyAsync(portal.GetService<IDbConnectionFactory>(), merchant.Id);
        output.WriteLine($"{fleet.AcknowledgedCheckIns.Count} check-ins and {fleet.AcknowledgedEvents.Count} events acknowledged, " +
            $"{ackedWhileDown} of them before the stop; {fleet.Failures} failed requests retried; {verdict}");
        Assert.Equal(fleet.ExpectedEvents, fleet.AcknowledgedEvents.Count);
        Assert.Equal(fleet.ExpectedCheckIns, fleet.AcknowledgedCheckIns.Count);
        Assert.True(ackedWhileDown < fleet.ExpectedCheckIns + fleet.ExpectedEvents, "the restart happened during the load");
        Assert.Equal(new TerminalFleet.Verdict(0, 0, 0, 0, 0), verdict);
    }

    [Fact]
    public async Task After_a_PostgreSQL_restart_live_updates_flow_between_instances_again_by_themselves()
    {
        await using var postgres = await ThrowawayPostgres.StartAsync();
        var connectionString = await postgres.CreateDatabaseAsync("portal");
        await using var a = await PortalHost.StartAsync(DatabaseProvider.Postgres, new Dictionary<string, string?> { ["Database:ConnectionString"] = connectionString });
        await using var b = PortalHost.StartAnotherInstance(a);
        using var clientB = b.CreatePortalClient();
        var merchantId = Guid.NewGuid();
        var heardOnB = new TaskCompletionSource<RestartProbe>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = b.GetService<ILiveUpdates>().Subscribe<RestartProbe>([merchantId], probe =>
        {
            heardOnB.TrySetResult(probe);
            return Task.CompletedTask;
        });

        await postgres.StopAsync();
        await b.WaitUntilAsync(async () => (await clientB.GetAsync("/readyz")).StatusCode == HttpStatusCode.ServiceUnavailable);
        await postgres.StartAgainAsync();
        await b.WaitUntilAsync(async () => await (await clientB.GetAsync("/readyz")).Content.ReadAsStringAsync() == "Healthy",
            TimeSpan.FromSeconds(30));
        // A's sending side needs no listener: it takes a pooled connection per batch, broken ones are replaced.
        await a.WaitUntilAsync(async () =>
        {
            a.GetService<ILiveUpdates>().Publish(merchantId, new RestartProbe("after the restart"));
            return await Task.WhenAny(heardOnB.Task, Task.Delay(500)) == heardOnB.Task;
        }, TimeSpan.FromSeconds(30));

        Assert.Equal("after the restart", (await heardOnB.Task).Text);
    }

    public sealed record RestartProbe(string Text);
}
