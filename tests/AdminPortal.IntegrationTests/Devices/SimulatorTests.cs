using AdminPortal.Features.Devices;
using AdminPortal.Features.Devices.Commands;
using AdminPortal.Features.Devices.Simulator;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;

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
}
