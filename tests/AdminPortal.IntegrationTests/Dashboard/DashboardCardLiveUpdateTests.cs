using AdminPortal.Features.Devices;
using AdminPortal.Features.Devices.Pages;
using AdminPortal.Features.Fraud;
using AdminPortal.Features.Fraud.Queue;
using AdminPortal.Features.Incidents;
using AdminPortal.Features.Incidents.Pages;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Infrastructure.LiveUpdates;
using AdminPortal.IntegrationTests.Incidents;
using AdminPortal.IntegrationTests.TestSupport;
using AdminPortal.Testing;
using Bunit;

namespace AdminPortal.IntegrationTests.Dashboard;

/// <summary>
/// Dashboard cards rendered as in an open page (interactive), over the real portal's services and its live updates
/// (in-process on SQLite, LISTEN/NOTIFY on PostgreSQL): a card shows a change when its live-update message arrives,
/// without a reload, and only within the viewer's merchants.
/// </summary>
public sealed class DashboardCardLiveUpdateTests : IAsyncLifetime
{
    /// <summary>How long a published message may take to reach the card (LISTEN/NOTIFY on a busy machine); a wait ends as soon as it arrives.</summary>
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(15);

    private readonly BunitContext _context = new();

    [Theory, BothDatabases]
    public async Task The_incidents_card_counts_an_incident_opened_after_it_rendered(DatabaseProvider provider)
    {
        await using var bed = await IncidentTestBed.StartAsync(provider);
        await UseAsync(bed, bed.Owner);
        var card = _context.Render<IncidentsCard>();
        card.WaitForAssertion(() => card.Find("[data-testid=incidents-card-empty]"));

        await bed.ReportAsync(IncidentSeverity.Sev1);
        card.WaitForAssertion(() => Assert.Equal("1", card.Find("[data-testid=incidents-card-sev1]").TextContent), Delivery);

        // Another merchant's incident is not counted; the next one of Home is.
        var (foreign, _) = await bed.Store.ReportAsync(await bed.ScopeAsync(bed.ZebraOwner), IncidentTestBed.Actor(bed.ZebraOwner),
            new NewIncident(bed.Zebra.Id, "Foreign incident", IncidentType.Malware, IncidentSeverity.Sev3, "Not Home's."));
        Assert.True(foreign.Succeeded, foreign.Message);
        await bed.ReportAsync(IncidentSeverity.Sev2);
        card.WaitForAssertion(() => Assert.Equal("1", card.Find("[data-testid=incidents-card-sev2]").TextContent), Delivery);
        Assert.Equal("0", card.Find("[data-testid=incidents-card-sev3]").TextContent);
        Assert.Equal("1", card.Find("[data-testid=incidents-card-sev1]").TextContent);
    }

    [Theory, BothDatabases]
    public async Task The_fraud_card_counts_an_alert_when_its_opened_notice_arrives(DatabaseProvider provider)
    {
        await using var bed = await IncidentTestBed.StartAsync(provider);
        await UseAsync(bed, bed.Owner);
        var card = _context.Render<OpenAlertsCard>();
        card.WaitForAssertion(() => Assert.Contains("No open alerts", card.Markup));

        // The alert is stored as scoring stores it; the card learns of it only from the feed's notice.
        var alert = await bed.FraudAlertAsync(await bed.TerminalAsync("SN-LIVE-1"));
        bed.Portal.GetService<IFraudAlertFeed>().Publish(new FraudAlertNotice(bed.Home.Id, alert, AlertChange.Opened, AlertSeverity.High));

        card.WaitForAssertion(() => Assert.Equal("1", card.Find("[data-testid=fraud-card-high]").TextContent), Delivery);
        Assert.Equal("0", card.Find("[data-testid=fraud-card-critical]").TextContent);
    }

    [Theory, BothDatabases]
    public async Task The_terminals_card_shows_a_new_terminal_when_its_device_changed_message_arrives(DatabaseProvider provider)
    {
        await using var bed = await IncidentTestBed.StartAsync(provider);
        await UseAsync(bed, bed.Owner);
        var card = _context.Render<DevicesCard>();
        card.WaitForAssertion(() => Assert.Contains("No terminals yet", card.Markup));

        var terminal = await bed.TerminalAsync("SN-LIVE-2");
        bed.Portal.GetService<ILiveUpdates>().Publish(bed.Home.Id, new DeviceChanged(bed.Home.Id, terminal, DeviceChange.Enrolled));

        card.WaitForAssertion(() => Assert.Equal("1", card.Find("[data-testid=devices-offline]").TextContent), Delivery);
        Assert.Equal("0", card.Find("[data-testid=devices-online]").TextContent);

        // A change right behind the first, inside the card's refresh interval, still reaches the card.
        var second = await bed.TerminalAsync("SN-LIVE-3");
        bed.Portal.GetService<ILiveUpdates>().Publish(bed.Home.Id, new DeviceChanged(bed.Home.Id, second, DeviceChange.Enrolled));
        card.WaitForAssertion(() => Assert.Equal("2", card.Find("[data-testid=devices-offline]").TextContent), Delivery);
    }

    /// <summary>The card's services are the running portal's; the signed-in person is <paramref name="person"/>.</summary>
    private Task UseAsync(IncidentTestBed bed, Features.Accounts.Person person) =>
        _context.UsePortalCircuitAsync(bed.Portal, person, typeof(IAccessScopeProvider), typeof(ILiveUpdates), typeof(TimeProvider),
            typeof(IncidentStore), typeof(IncidentViewerResolver), typeof(AlertQueue), typeof(FraudViewerResolver), typeof(IFraudAlertFeed),
            typeof(DeviceDirectory));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _context.DisposeAsync();
}
