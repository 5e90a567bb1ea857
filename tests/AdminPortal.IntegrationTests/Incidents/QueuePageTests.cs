using AdminPortal.Features.Accounts;
using AdminPortal.Features.Incidents;
using AdminPortal.Features.Incidents.Pages;
using AdminPortal.Features.Merchants;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Infrastructure.LiveUpdates;
using AdminPortal.Testing;
using Bunit;
using MudBlazor.Services;

namespace AdminPortal.IntegrationTests.Incidents;

/// <summary>The incident queue page, rendered over the real portal's services for each kind of viewer.</summary>
public sealed class QueuePageTests : IAsyncLifetime
{
    /// <summary>How long the table's first load may take on a busy machine; a wait ends as soon as the rows are there.</summary>
    private static readonly TimeSpan Loading = TimeSpan.FromSeconds(15);

    // One context per viewer: a context's services are fixed once it renders.
    private readonly BunitContext _ownerView = new();
    private readonly BunitContext _adminView = new();

    [Theory, BothDatabases]
    public async Task Someone_who_sees_one_merchant_gets_no_merchant_column_or_filter_and_an_admin_gets_both(DatabaseProvider provider)
    {
        await using var bed = await IncidentTestBed.StartAsync(provider);
        var incident = await bed.ReportAsync();

        var owners = await RenderAsync(_ownerView, bed, bed.Owner);
        owners.WaitForAssertion(() => Assert.Equal(incident.Reference, owners.Find("[data-testid=incident-link]").TextContent), Loading);
        Assert.DoesNotContain("Merchant", Headers(owners));
        Assert.Empty(owners.FindAll("[data-testid=filter-merchant]"));

        var admins = await RenderAsync(_adminView, bed, bed.Admin);
        admins.WaitForAssertion(() => Assert.Equal(incident.Reference, admins.Find("[data-testid=incident-link]").TextContent), Loading);
        Assert.Contains("Merchant", Headers(admins));
        Assert.Contains(bed.Home.Name, admins.Find("[data-testid=incident-table] tbody tr").TextContent);
        Assert.Single(admins.FindAll("[data-testid=filter-merchant]"));
    }

    private static List<string> Headers(IRenderedComponent<IncidentsPage> page) =>
        page.FindAll("[data-testid=incident-table] thead th").Select(th => th.TextContent.Trim()).ToList();

    /// <summary>The page as <paramref name="person"/>'s circuit renders it: the portal's own services, their signed-in principal.</summary>
    private static async Task<IRenderedComponent<IncidentsPage>> RenderAsync(BunitContext context, IncidentTestBed bed, Person person)
    {
        var portal = bed.Portal;
        var user = await portal.SignedInPrincipalAsync(person);
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        context.Services.AddSingleton(portal.GetService<IAccessScopeProvider>());
        context.Services.AddSingleton(portal.GetService<TimeProvider>());
        context.Services.AddSingleton(portal.GetService<IncidentStore>());
        context.Services.AddSingleton(portal.GetService<IncidentDirectory>());
        context.Services.AddSingleton(portal.GetService<IncidentViewerResolver>());
        context.Services.AddSingleton(portal.GetService<ILiveUpdates>());
        context.Services.AddSingleton(portal.GetService<MerchantDirectory>());
        context.AddAuthorization().SetAuthorized(person.DisplayName).SetClaims(user.Claims.ToArray());
        context.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
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
