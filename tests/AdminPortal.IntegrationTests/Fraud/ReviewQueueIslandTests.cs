using AdminPortal.Features.Fraud;
using AdminPortal.Features.Fraud.Queue;
using AdminPortal.Features.Merchants;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using AdminPortal.IntegrationTests.Incidents;
using AdminPortal.IntegrationTests.TestSupport;
using AdminPortal.Testing;
using Bunit;
using Dapper;

namespace AdminPortal.IntegrationTests.Fraud;

/// <summary>
/// The fraud queue's interactive island (ReviewQueue), rendered as its circuit renders it, over the real portal's
/// services and live updates (in-process on SQLite, LISTEN/NOTIFY on PostgreSQL). The page and shell around it are
/// static, so the island alone must load the rows, take new alerts live, show its own snackbars, mark the page
/// interactive, and follow the merchant the page was served for.
/// </summary>
public sealed class ReviewQueueIslandTests : IAsyncLifetime
{
    /// <summary>How long a published notice may take to reach the island (LISTEN/NOTIFY on a busy machine); a wait ends as soon as it arrives.</summary>
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(15);

    private readonly BunitContext _context = new();

    [Theory, BothDatabases]
    public async Task A_new_alert_appears_in_the_island_without_reload_with_its_own_snackbar(DatabaseProvider provider)
    {
        await using var bed = await IncidentTestBed.StartAsync(provider);
        await UseAsync(bed, bed.Owner);
        var markedInteractive = _context.JSInterop.SetupVoid("portal.markInteractive");
        markedInteractive.SetVoidResult();

        var queue = _context.Render<ReviewQueue>();
        queue.WaitForAssertion(() => queue.Find("[data-testid=queue-empty]"));
        markedInteractive.VerifyInvoke("portal.markInteractive");

        var alert = await bed.FraudAlertAsync(await bed.TerminalAsync("SN-QUEUE-1"));
        bed.Portal.GetService<IFraudAlertFeed>().Publish(new FraudAlertNotice(bed.Home.Id, alert, AlertChange.Opened, AlertSeverity.High));

        queue.WaitForAssertion(() => Assert.Single(queue.FindAll("[data-testid=alert-link]")), Delivery);
        Assert.Contains("1 new alert arrived", queue.Find("[data-testid=new-alerts]").TextContent);
        Assert.Contains($"fraud/alerts/{alert}", queue.Find("[data-testid=alert-link]").GetAttribute("href"));
        // The static shell has no snackbar provider: the island's own shows the message.
        queue.WaitForAssertion(() => Assert.Contains("New high fraud alert", queue.Find(".mud-snackbar").TextContent));
    }

    [Theory, BothDatabases]
    public async Task The_island_shows_only_the_merchant_the_page_was_served_for_and_ignores_other_merchants_notices(DatabaseProvider provider)
    {
        await using var bed = await IncidentTestBed.StartAsync(provider);
        await UseAsync(bed, bed.Admin);
        var homeAlert = await bed.FraudAlertAsync(await bed.TerminalAsync("SN-QUEUE-2"));

        // The page was served with Zebra chosen in the switcher (its cookie): the island's circuit focuses on Zebra.
        var queue = _context.Render<ReviewQueue>(p => p.Add(q => q.RememberedMerchantId, bed.Zebra.Id));
        queue.WaitForAssertion(() => queue.Find("[data-testid=queue-empty]"));
        var merchantOptions = queue.FindAll("#filter-merchant option").Select(o => o.TextContent).ToList();
        Assert.Equal(["All merchants", "Zebra Foreign Merchant"], merchantOptions);

        // Home's alert is outside the focus: its notice changes nothing.
        bed.Portal.GetService<IFraudAlertFeed>().Publish(new FraudAlertNotice(bed.Home.Id, homeAlert, AlertChange.Opened, AlertSeverity.High));
        var zebraAlert = await ZebraAlertAsync(bed);
        bed.Portal.GetService<IFraudAlertFeed>().Publish(new FraudAlertNotice(bed.Zebra.Id, zebraAlert, AlertChange.Opened, AlertSeverity.High));

        queue.WaitForAssertion(() => Assert.Contains($"fraud/alerts/{zebraAlert}", queue.Find("[data-testid=alert-link]").GetAttribute("href")), Delivery);
        Assert.Single(queue.FindAll("[data-testid=alert-link]"));
        Assert.Contains("1 new alert arrived", queue.Find("[data-testid=new-alerts]").TextContent);
    }

    [Theory, BothDatabases]
    public async Task Without_a_remembered_merchant_a_platform_admin_sees_every_merchants_alerts(DatabaseProvider provider)
    {
        await using var bed = await IncidentTestBed.StartAsync(provider);
        await UseAsync(bed, bed.Admin);
        await bed.FraudAlertAsync(await bed.TerminalAsync("SN-QUEUE-3"));
        await ZebraAlertAsync(bed);

        var queue = _context.Render<ReviewQueue>(p => p.Add(q => q.RememberedMerchantId, null));

        queue.WaitForAssertion(() => Assert.Equal(2, queue.FindAll("[data-testid=alert-link]").Count));
    }

    /// <summary>An open alert of Zebra (the other merchant of the test bed), inserted as scoring stores one.</summary>
    private static async Task<Guid> ZebraAlertAsync(IncidentTestBed bed)
    {
        var directory = bed.Portal.GetService<MerchantDirectory>();
        var store = (await directory.ListStoresAsync(AccessScope.PlatformAdmin(bed.Admin.Id), bed.Zebra.Id)).First();
        var device = await bed.TerminalAsync("SN-ZEBRA-1", bed.Zebra.Id, store.Id);
        var id = Guid.NewGuid();
        var now = bed.Clock.GetUtcNow();
        await using var connection = await bed.Portal.GetService<IDbConnectionFactory>().OpenAsync();
        await connection.ExecuteAsync(
            """
            INSERT INTO fraud_alerts (merchant_id, id, status, severity, score, device_id, store_id, card_token, bin, last4, rules, summary, hit_count,
                                      first_event_at, last_event_at, opened_at, updated_at)
            VALUES (@merchantId, @id, 0, 2, 120, @device, @storeId, 'tok_zebra', '411111', '9999', ',card-velocity,', 'Card used 7 times in 10 minutes', 2,
                    @now, @now, @now, @now)
            """, new { merchantId = bed.Zebra.Id, id, device, storeId = store.Id, now });
        return id;
    }

    /// <summary>The island's services are the running portal's, with a circuit's own merchant choice; the signed-in person is <paramref name="person"/>.</summary>
    private async Task UseAsync(IncidentTestBed bed, Features.Accounts.Person person)
    {
        _context.Services.AddScoped<CurrentMerchant>(); // the circuit's own merchant choice
        await _context.UsePortalCircuitAsync(bed.Portal, person, typeof(IAccessScopeProvider), typeof(TimeProvider), typeof(AlertQueue),
            typeof(FraudViewerResolver), typeof(IFraudAlertFeed), typeof(MerchantDirectory), typeof(CurrentMerchantAccessor));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _context.DisposeAsync();
}
