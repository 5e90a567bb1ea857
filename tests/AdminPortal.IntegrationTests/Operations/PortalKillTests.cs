using AdminPortal.Features.Devices;
using AdminPortal.Features.Devices.Enrollment;
using AdminPortal.Features.Merchants;
using AdminPortal.Infrastructure.Database;
using AdminPortal.IntegrationTests.Devices;
using AdminPortal.Testing;
using Xunit.Abstractions;

namespace AdminPortal.IntegrationTests.Operations;

public sealed class PortalKillTests(ITestOutputHelper output)
{
    [Theory, BothDatabases]
    public async Task Killing_the_portal_with_SIGKILL_during_load_loses_no_acknowledged_check_in_or_event(DatabaseProvider provider)
    {
        // An in-process instance makes the merchant and reads the database; the separate process takes the load and is killed.
        await using var admin = await PortalHost.StartAsync(provider);
        var (merchant, store) = await DeviceApiHarness.AddMerchantAsync(admin.GetService<MerchantDirectory>(), "KILL");
        var codes = await admin.GetService<EnrollmentCodes>().CreateAsync(DeviceApiHarness.Admin, DeviceActor.CommandLine, merchant.Id, store.Id, 8, 24);
        var settings = new Dictionary<string, string>
        {
            ["Database:Provider"] = provider.ToString(),
            ["Database:ConnectionString"] = admin.Database.ConnectionString,
            ["Devices:RequestsPerMinutePerDevice"] = "100000",
        };
        var port = PortalProcess.FreePort();
        var portal = await PortalProcess.StartAsync(port, settings);
        try
        {
            using var client = new HttpClient { BaseAddress = portal.BaseAddress };
            var fleet = new TerminalFleet(portal.BaseAddress, await TerminalFleet.EnrollAsync(client, codes.Select(c => c.Code)), rounds: 40, eventsPerBatch: 10);
            using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            var load = fleet.RunAsync(stop.Token);

            await admin.WaitUntilAsync(() => Task.FromResult(fleet.AcknowledgedCheckIns.Count >= 40), TimeSpan.FromSeconds(60));
            await portal.KillAsync();
            var ackedBeforeKill = fleet.AcknowledgedCheckIns.Count + fleet.AcknowledgedEvents.Count;
            await admin.WaitUntilAsync(() => Task.FromResult(fleet.Failures > 0));
            await portal.DisposeAsync();
            portal = await PortalProcess.StartAsync(port, settings);
            await load.WaitAsync(TimeSpan.FromMinutes(3));

            var verdict = await fleet.VerifyAsync(admin.GetService<IDbConnectionFactory>(), merchant.Id);
            output.WriteLine($"{provider}: {fleet.AcknowledgedCheckIns.Count} check-ins and {fleet.AcknowledgedEvents.Count} events acknowledged, " +
                $"{ackedBeforeKill} of them before the kill; {fleet.Failures} failed requests retried; {verdict}");
            Assert.Equal(fleet.ExpectedEvents, fleet.AcknowledgedEvents.Count);
            Assert.Equal(fleet.ExpectedCheckIns, fleet.AcknowledgedCheckIns.Count);
            Assert.True(ackedBeforeKill < fleet.ExpectedCheckIns + fleet.ExpectedEvents, "the kill happened during the load");
            Assert.Equal(new TerminalFleet.Verdict(0, 0, 0, 0, 0), verdict);
        }
        finally
        {
            await portal.DisposeAsync();
        }
    }
}
