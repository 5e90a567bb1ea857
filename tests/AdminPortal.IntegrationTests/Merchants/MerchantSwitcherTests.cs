using System.Security.Claims;
using AdminPortal.Features.Merchants;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Infrastructure.Shell;
using AdminPortal.Testing;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace AdminPortal.IntegrationTests.Merchants;

/// <summary>The merchant chosen in the app bar narrows every page's scope inside the circuit, and never widens it.</summary>
public sealed class MerchantSwitcherTests
{
    [Theory, BothDatabases]
    public async Task Choosing_a_merchant_narrows_the_scope_inside_the_circuit_only_and_a_foreign_choice_is_ignored(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        var (thames, _) = await portal.CreateMerchantAsync("Thames Coffee", "MID-0001");
        var (severn, _) = await portal.CreateMerchantAsync("Severn Books", "MID-0002");
        var (foreign, _) = await portal.CreateMerchantAsync("Foreign Shop", "MID-0003");
        var olive = await portal.CreatePersonAsync("olive@thames.example");
        await portal.GrantRoleAsync(thames.Id, olive.Id, MerchantRole.Owner);
        await portal.GrantRoleAsync(severn.Id, olive.Id, MerchantRole.ComplianceOfficer);
        var user = await portal.SignedInPrincipalAsync(olive);
        var scopes = portal.GetService<IAccessScopeProvider>();
        var directory = portal.GetService<MerchantDirectory>();

        await using var circuit = portal.Services.CreateAsyncScope();
        var current = circuit.ServiceProvider.GetRequiredService<CurrentMerchant>();
        current.Choose(severn.Id);

        var inside = await InCircuitAsync(circuit.ServiceProvider, () => ScopeAndMerchantsAsync(scopes, directory, user));
        Assert.Equal([severn.Id], inside.Scope.MerchantIds);
        Assert.Equal(["Severn Books"], inside.Merchants);
        Assert.False(inside.Scope.CanSee(thames.Id));
        Assert.False(inside.Scope.Has(thames.Id, MerchantRole.Owner));
        Assert.Equal([], inside.Scope.MerchantsWith(MerchantRole.Owner));
        Assert.Equal(2, inside.Scope.Whole.MerchantIds!.Count);

        // Outside the circuit, in a request that remembers no choice (RememberedMerchantTests covers one that does), the
        // person keeps their whole scope.
        var outside = await ScopeAndMerchantsAsync(scopes, directory, user);
        Assert.Equal(["Severn Books", "Thames Coffee"], outside.Merchants);

        // A merchant the person holds no role in (a stale or forged choice) never widens the scope.
        current.Choose(foreign.Id);
        var forged = await InCircuitAsync(circuit.ServiceProvider, () => ScopeAndMerchantsAsync(scopes, directory, user));
        Assert.Equal(["Severn Books", "Thames Coffee"], forged.Merchants);
        Assert.False(forged.Scope.CanSee(foreign.Id));

        current.Choose(null);
        var everything = await InCircuitAsync(circuit.ServiceProvider, () => ScopeAndMerchantsAsync(scopes, directory, user));
        Assert.Equal(["Severn Books", "Thames Coffee"], everything.Merchants);
    }

    [Theory, BothDatabases]
    public async Task A_platform_admin_focused_on_one_merchant_sees_only_it_and_keeps_admin_rights(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        var (thames, _) = await portal.CreateMerchantAsync("Thames Coffee", "MID-0001");
        await portal.CreateMerchantAsync("Severn Books", "MID-0002");
        var admin = await portal.CreatePersonAsync("pat@provider.example", platformAdmin: true);
        var user = await portal.SignedInPrincipalAsync(admin);
        await using var circuit = portal.Services.CreateAsyncScope();
        circuit.ServiceProvider.GetRequiredService<CurrentMerchant>().Choose(thames.Id);

        var focused = await InCircuitAsync(circuit.ServiceProvider,
            () => ScopeAndMerchantsAsync(portal.GetService<IAccessScopeProvider>(), portal.GetService<MerchantDirectory>(), user));

        Assert.Equal(["Thames Coffee"], focused.Merchants);
        Assert.True(focused.Scope.IsPlatformAdmin);
        Assert.Null(focused.Scope.Whole.MerchantIds);
    }

    [Theory, BothDatabases]
    public async Task The_switcher_lists_the_persons_merchants_with_their_roles_and_remembers_the_choice(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        var (thames, _) = await portal.CreateMerchantAsync("Thames Coffee", "MID-0001");
        var (severn, _) = await portal.CreateMerchantAsync("Severn Books", "MID-0002");
        await portal.CreateMerchantAsync("Foreign Shop", "MID-0003");
        var olive = await portal.CreatePersonAsync("olive@thames.example", displayName: "Olive Owner");
        await portal.GrantRoleAsync(thames.Id, olive.Id, MerchantRole.Owner);
        await portal.GrantRoleAsync(severn.Id, olive.Id, MerchantRole.ComplianceOfficer);
        var user = await portal.SignedInPrincipalAsync(olive);
        var store = new RecordingStore();
        var current = new CurrentMerchant();
        var reload = new PageReload();
        await using var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices(options => options.SnackbarConfiguration.ShowTransitionDuration = 0);
        context.Services.AddSingleton(portal.GetService<IAccessScopeProvider>());
        context.Services.AddSingleton(portal.GetService<MerchantDirectory>());
        context.Services.AddSingleton(portal.GetService<CurrentMerchantAccessor>());
        context.Services.AddSingleton(current);
        context.Services.AddSingleton<ICurrentMerchantStore>(store);
        context.Services.AddSingleton(reload);
        context.AddAuthorization().SetAuthorized("Olive Owner").SetClaims(user.Claims.ToArray());
        context.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
        var switcher = context.Render<MerchantSwitcher>();

        switcher.WaitForAssertion(() => Assert.Equal("All merchants", Select(switcher).QuerySelector("option[selected]")?.TextContent));
        // The select is labelled "Merchant" (label for=), and lists every merchant of the scope with the person's roles.
        var label = switcher.Find("[data-testid=merchant-switcher] label");
        Assert.Equal("Merchant", label.TextContent);
        Assert.Equal(Select(switcher).Id, label.GetAttribute("for"));
        var options = Select(switcher).QuerySelectorAll("option").Select(o => o.TextContent).ToList();
        Assert.Contains("Severn Books · compliance officer", options);
        Assert.Contains("Thames Coffee · merchant owner", options);
        Assert.Contains("All merchants", options);
        Assert.DoesNotContain(options, o => o.Contains("Foreign Shop"));

        Select(switcher).Change(severn.Id.ToString());

        // The change is handled on the renderer's dispatcher, which may still be finishing the previous render.
        switcher.WaitForAssertion(() => Assert.Equal(severn.Id, current.MerchantId));
        Assert.Equal([severn.Id], store.Saved);
        Assert.Equal(1, reload.Generation);
        Assert.Equal("Severn Books · compliance officer", Select(switcher).QuerySelector("option[selected]")?.TextContent);

        // A merchant outside the person's scope (a forged change event) is refused by the switcher itself, before any
        // scope narrowing.
        Select(switcher).Change(Guid.NewGuid().ToString());
        Assert.Equal(severn.Id, current.MerchantId);

        Select(switcher).Change(Guid.Empty.ToString());
        switcher.WaitForAssertion(() => Assert.Null(current.MerchantId));
        Assert.Equal([severn.Id, null], store.Saved);
    }

    private static AngleSharp.Dom.IElement Select(IRenderedComponent<MerchantSwitcher> switcher) => switcher.Find("[data-testid=merchant-switcher] select");

    /// <summary>Runs <paramref name="work"/> the way a circuit runs its work: through the portal's circuit handlers.</summary>
    private static async Task<T> InCircuitAsync<T>(IServiceProvider circuitServices, Func<Task<T>> work)
    {
        T result = default!;
        Func<CircuitInboundActivityContext, Task> next = async _ => result = await work();
        foreach (var handler in circuitServices.GetServices<CircuitHandler>().Reverse())
        {
            next = handler.CreateInboundActivityHandler(next);
        }

        await next(null!);
        return result;
    }

    private static async Task<(AccessScope Scope, List<string> Merchants)> ScopeAndMerchantsAsync(
        IAccessScopeProvider scopes, MerchantDirectory directory, ClaimsPrincipal user)
    {
        var scope = await scopes.GetAsync(user);
        var merchants = await directory.ListMerchantsAsync(scope);
        return (scope, merchants.Select(m => m.Name).Order().ToList());
    }

    private sealed class RecordingStore : ICurrentMerchantStore
    {
        public List<Guid?> Saved { get; } = [];

        public Task<Guid?> LoadAsync() => Task.FromResult<Guid?>(null);

        public Task SaveAsync(Guid? merchantId)
        {
            Saved.Add(merchantId);
            return Task.CompletedTask;
        }
    }
}
