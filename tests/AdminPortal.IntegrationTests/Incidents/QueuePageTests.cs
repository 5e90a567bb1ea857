using AdminPortal.Features.Accounts;
using AdminPortal.Features.Incidents;
using AdminPortal.Features.Incidents.Pages;
using AdminPortal.Features.Merchants;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Infrastructure.LiveUpdates;
using AdminPortal.IntegrationTests.TestSupport;
using AdminPortal.Testing;
using Bunit;

namespace AdminPortal.IntegrationTests.Incidents;

/// <summary>The incident queue page, rendered over the real portal's services for each kind of viewer.</summary>
public sealed class QueuePageTests : IAsyncLifetime
{
    // One context per viewer: a context's services are fixed once it renders.
    private readonly BunitContext _ownerView = new();
    private readonly BunitContext _adminView = new();

    [Theory, BothDatabases]
    public async Task Someone_who_sees_one_merchant_gets_no_merchant_column_or_filter_and_an_admin_gets_both(DatabaseProvider provider)
    {
        await using var bed = await IncidentTestBed.StartAsync(provider);
        var incident = await bed.ReportAsync();

        var owners = await RenderAsync(_ownerView, bed, bed.Owner);
        owners.WaitForAssertion(() => Assert.Equal(incident.Reference, owners.Find("[data-testid=incident-link]").TextContent));
        Assert.DoesNotContain("Merchant", Headers(owners));
        Assert.Empty(owners.FindAll("[data-testid=filter-merchant]"));

        var admins = await RenderAsync(_adminView, bed, bed.Admin);
        admins.WaitForAssertion(() => Assert.Equal(incident.Reference, admins.Find("[data-testid=incident-link]").TextContent));
        Assert.Contains("Merchant", Headers(admins));
        Assert.Contains(bed.Home.Name, admins.Find("[data-testid=incident-table] tbody tr").TextContent);
        Assert.Single(admins.FindAll("[data-testid=filter-merchant]"));
    }

    private static List<string> Headers(IRenderedComponent<IncidentsPage> page) =>
        page.FindAll("[data-testid=incident-table] thead th").Select(th => th.TextContent.Trim()).ToList();

    /// <summary>The page as <paramref name="person"/>'s circuit renders it: the portal's own services, their signed-in principal.</summary>
    private static async Task<IRenderedComponent<IncidentsPage>> RenderAsync(BunitContext context, IncidentTestBed bed, Person person)
    {
        await context.UsePortalCircuitAsync(bed.Portal, person, typeof(IAccessScopeProvider), typeof(TimeProvider), typeof(IncidentStore),
            typeof(IncidentDirectory), typeof(IncidentViewerResolver), typeof(ILiveUpdates), typeof(MerchantDirectory));
        context.Render<MudBlazor.MudPopoverProvider>();
        return context.Render<IncidentsPage>();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _ownerView.DisposeAsync();
        await _adminView.DisposeAsync();
    }
}
