using AdminPortal.Features.Devices;
using AdminPortal.Features.Devices.Pages;
using AdminPortal.Features.Merchants;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Infrastructure.LiveUpdates;
using AdminPortal.IntegrationTests.Incidents;
using AdminPortal.IntegrationTests.TestSupport;
using AdminPortal.Testing;
using Bunit;

namespace AdminPortal.IntegrationTests.Devices;

/// <summary>The device list page as a circuit renders it, over the real portal's services.</summary>
public sealed class DeviceListPageTests : IAsyncLifetime
{
    private readonly BunitContext _context = new();

    [Theory, BothDatabases]
    public async Task The_list_shows_the_owners_terminals_without_waiting_for_a_change(DatabaseProvider provider)
    {
        // On PostgreSQL the person's scope arrives after the page's first render; the table used to load its rows then,
        // with no scope, and stayed empty until a terminal checked in.
        await using var bed = await IncidentTestBed.StartAsync(provider);
        await bed.TerminalAsync("SN-LIST-1");
        await _context.UsePortalCircuitAsync(bed.Portal, bed.Owner,
            typeof(IAccessScopeProvider), typeof(DeviceDirectory), typeof(MerchantDirectory), typeof(ILiveUpdates));
        _context.Render<MudBlazor.MudPopoverProvider>();

        var page = _context.Render<DevicesPage>();

        page.WaitForAssertion(() => Assert.Contains("SN-LIST-1", page.Find("[data-testid=device-table] tbody").TextContent));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _context.DisposeAsync();
}
