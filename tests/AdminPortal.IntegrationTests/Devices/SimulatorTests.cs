using AdminPortal.Features.Devices;
using AdminPortal.Features.Devices.Commands;
using AdminPortal.Features.Devices.Simulator;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using Dapper;

namespace AdminPortal.IntegrationTests.Devices;

public sealed class SimulatorTests
{
    [Theory, BothDatabases]
    public async Task Simulated_terminals_enroll_check_in_and_a_lock_takes_effect_after_their_next_check_in(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var settings = new SimulationSettings(api.Merchant.Id, api.Store.Id, 3, "SIM-", TamperRate: 0, RoamRate: 0);
        var terminals = await api.Portal.GetService<TerminalSimulation>().EnrollAsync(api.Client, settings, CancellationToken.None);
        await TerminalSimulation.RoundAsync(terminals, settings, CancellationToken.None);
        var devices = api.Portal.GetService<DeviceDirectory>();
        var target = terminals[1];

        await api.Portal.GetService<DeviceCommandService>().IssueAsync(DeviceApiHarness.Admin, DeviceActor.CommandLine, target.DeviceId!.Value, DeviceCommandType.Lock);
        var beforeCheckIn = (await devices.GetAsync(DeviceApiHarness.Admin, target.DeviceId.Value))!.Status;
        await TerminalSimulation.RoundAsync(terminals, settings, CancellationToken.None);

        Assert.Equal(3, (await devices.SearchAsync(DeviceApiHarness.Admin, new DeviceQuery { Search = "SIM-", Online = true })).Total);
        Assert.Equal(DeviceStatus.Active, beforeCheckIn);
        Assert.True(target.Locked);
        Assert.Equal(DeviceStatus.Locked, (await devices.GetAsync(DeviceApiHarness.Admin, target.DeviceId.Value))!.Status);
        Assert.All(terminals, t => Assert.Equal(2, t.CheckIns));
    }

    [Theory, BothDatabases]
    public async Task A_wiped_simulated_terminal_goes_silent(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var settings = new SimulationSettings(api.Merchant.Id, api.Store.Id, 1, "SIM-", TamperRate: 1, RoamRate: 0);
        var terminal = (await api.Portal.GetService<TerminalSimulation>().EnrollAsync(api.Client, settings, CancellationToken.None)).Single();
        await api.Portal.GetService<DeviceCommandService>().IssueAsync(DeviceApiHarness.Admin, DeviceActor.CommandLine, terminal.DeviceId!.Value, DeviceCommandType.Wipe);

        await terminal.CheckInAsync(1, 0, CancellationToken.None);
        await terminal.CheckInAsync(1, 0, CancellationToken.None);

        Assert.True(terminal.Decommissioned);
        Assert.Equal(1, terminal.CheckIns);
        Assert.Equal(DeviceStatus.Wiped, (await api.Portal.GetService<DeviceDirectory>().GetAsync(DeviceApiHarness.Admin, terminal.DeviceId.Value))!.Status);
    }

    [Theory, BothDatabases]
    public async Task A_simulated_terminal_resends_a_check_in_whose_answer_was_lost_under_the_same_key(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var settings = new SimulationSettings(api.Merchant.Id, api.Store.Id, 1, "SIM-", TamperRate: 0, RoamRate: 0);
        var network = new LosesFirstCheckInAnswer { InnerHandler = new HttpClientHandler() };
        using var client = new HttpClient(network) { BaseAddress = api.Client.BaseAddress };
        var terminal = (await api.Portal.GetService<TerminalSimulation>().EnrollAsync(client, settings, CancellationToken.None)).Single();

        await terminal.CheckInAsync(0, 0, CancellationToken.None);
        await terminal.CheckInAsync(0, 0, CancellationToken.None);
        await terminal.CheckInAsync(0, 0, CancellationToken.None);

        Assert.Equal((2, 1), (terminal.CheckIns, terminal.CheckInsRetried));
        Assert.Equal(3, network.Keys.Count);
        Assert.Equal(network.Keys[0], network.Keys[1]);
        Assert.NotEqual(network.Keys[1], network.Keys[2]);
        await using var connection = await api.Portal.GetService<IDbConnectionFactory>().OpenAsync();
        Assert.Equal(2L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM device_check_ins"));
    }

    /// <summary>The network drops the answer of the first check-in after the portal received (and stored) it.</summary>
    private sealed class LosesFirstCheckInAnswer : DelegatingHandler
    {
        public List<string> Keys { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (request.RequestUri!.AbsolutePath.EndsWith("/checkin", StringComparison.Ordinal))
            {
                Keys.Add(request.Headers.GetValues("Idempotency-Key").Single());
                if (Keys.Count == 1)
                {
                    response.Dispose();
                    throw new HttpRequestException("The connection dropped before the answer arrived.");
                }
            }

            return response;
        }
    }
}
