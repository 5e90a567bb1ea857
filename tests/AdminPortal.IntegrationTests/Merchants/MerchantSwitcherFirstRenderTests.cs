using AdminPortal.Features.Accounts;
using AdminPortal.Features.Merchants;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Infrastructure.Shell;
using AdminPortal.Testing;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.JSInterop;
using MudBlazor.Services;

namespace AdminPortal.IntegrationTests.Merchants;

/// <summary>
/// On first load the switcher shows the browser's stored choice, or a neutral "Loading…" while it is being read — never
/// "All merchants" first. The store answers when the test says so, so the state in between is observed, not raced.
/// </summary>
public sealed class MerchantSwitcherFirstRenderTests : IAsyncLifetime
{
    private readonly BunitContext _context = new();
    private readonly CurrentMerchant _current = new();
    private readonly PageReload _reload = new();
    private readonly SlowStore _store = new();

    [Theory, BothDatabases]
    public async Task Until_the_stored_choice_is_read_the_switcher_shows_a_neutral_loading_state_then_the_stored_merchant(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        var (thames, severn, olive) = await TwoMerchantPersonAsync(portal);
        await UseAsync(portal, olive, interactive: true);

        var switcher = _context.Render<MerchantSwitcher>();

        // The first render: the store has been asked but has not answered.
        await _store.Asked;
        AssertNeutral(switcher);

        _store.Answer(severn.Id);

        switcher.WaitForAssertion(() => Assert.Equal("Severn Books", Shown(switcher)));
        Assert.Equal("false", switcher.Find("[data-testid=merchant-switcher]").GetAttribute("aria-busy"));
        Assert.Null(Input(switcher).GetAttribute("disabled"));
        Assert.Equal(severn.Id, _current.MerchantId);
        Assert.Equal(1, _reload.Generation);
        Assert.NotEqual(thames.Id, _current.MerchantId);
    }

    [Theory, BothDatabases]
    public async Task With_nothing_stored_the_switcher_shows_all_merchants_only_after_the_store_answered(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        var (_, _, olive) = await TwoMerchantPersonAsync(portal);
        await UseAsync(portal, olive, interactive: true);

        var switcher = _context.Render<MerchantSwitcher>();
        await _store.Asked;
        AssertNeutral(switcher);

        _store.Answer(null);

        switcher.WaitForAssertion(() => Assert.Equal("All merchants", Shown(switcher)));
        Assert.Null(_current.MerchantId);
        Assert.Equal(0, _reload.Generation);
    }

    [Theory, BothDatabases]
    public async Task When_the_browser_cannot_answer_the_switcher_falls_back_to_all_merchants_instead_of_loading_forever(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        var (_, _, olive) = await TwoMerchantPersonAsync(portal);
        await UseAsync(portal, olive, interactive: true);

        var switcher = _context.Render<MerchantSwitcher>();
        await _store.Asked;
        _store.Fail(new JSDisconnectedException("The circuit went away."));

        switcher.WaitForAssertion(() => Assert.Equal("All merchants", Shown(switcher)));
        Assert.Null(_current.MerchantId);
    }

    [Theory, BothDatabases]
    public async Task A_stored_choice_outside_the_scope_is_forgotten_and_a_browser_that_cannot_save_does_not_leave_it_loading(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        var (_, _, olive) = await TwoMerchantPersonAsync(portal);
        await UseAsync(portal, olive, interactive: true);
        _store.FailSaves = true;

        var switcher = _context.Render<MerchantSwitcher>();
        await _store.Asked;
        _store.Answer(Guid.NewGuid());

        switcher.WaitForAssertion(() => Assert.Equal("All merchants", Shown(switcher)));
        Assert.Null(_current.MerchantId);
        Assert.Equal(1, _store.Saves);
    }

    [Theory, BothDatabases]
    public async Task Prerendered_the_switcher_is_neutral_and_does_not_ask_the_browser(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        var (_, _, olive) = await TwoMerchantPersonAsync(portal);
        await UseAsync(portal, olive, interactive: false);

        // The prerender of an interactive page: not interactive yet, but with a render mode (its circuit follows).
        var switcher = _context.Render<MerchantSwitcher>(p => p.SetAssignedRenderMode(Microsoft.AspNetCore.Components.Web.RenderMode.InteractiveServer));

        switcher.WaitForAssertion(() => Assert.NotNull(Input(switcher)));
        AssertNeutral(switcher);
        Assert.Equal(0, _store.Loads);
    }

    [Theory, BothDatabases]
    public async Task On_a_statically_rendered_page_without_a_remembered_choice_the_switcher_offers_all_merchants_at_once(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        var (_, severn, olive) = await TwoMerchantPersonAsync(portal);
        await UseAsync(portal, olive, interactive: false);

        // No render mode: no circuit will ever read the browser, so the server's answer (no cookie: every merchant) is final;
        // js/portal.js handles a change ([data-static-switcher]).
        var switcher = _context.Render<MerchantSwitcher>();

        switcher.WaitForAssertion(() => Assert.Equal("All merchants", Shown(switcher)));
        Assert.Null(Input(switcher).GetAttribute("disabled"));
        Assert.NotNull(Input(switcher).GetAttribute("data-static-switcher"));
        Assert.Equal("false", switcher.Find("[data-testid=merchant-switcher]").GetAttribute("aria-busy"));
        Assert.Contains(Input(switcher).QuerySelectorAll("option"), o => o.GetAttribute("value") == severn.Id.ToString());
        Assert.Equal(0, _store.Loads);
    }

    [Theory, BothDatabases]
    public async Task A_person_with_one_merchant_sees_it_at_once_even_prerendered(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        var (thames, _) = await portal.CreateMerchantAsync("Thames Coffee", "MID-0001");
        var solo = await portal.CreatePersonAsync("solo@thames.example", displayName: "Solo Owner");
        await portal.GrantRoleAsync(thames.Id, solo.Id, MerchantRole.Owner);
        await UseAsync(portal, solo, interactive: false);

        var switcher = _context.Render<MerchantSwitcher>();

        switcher.WaitForAssertion(() => Assert.Equal("Thames Coffee", Shown(switcher)));
        Assert.Equal(0, _store.Loads);
    }

    private static void AssertNeutral(IRenderedComponent<MerchantSwitcher> switcher)
    {
        Assert.Equal("Loading…", Shown(switcher));
        Assert.NotNull(Input(switcher).GetAttribute("disabled"));
        Assert.Equal("true", switcher.Find("[data-testid=merchant-switcher]").GetAttribute("aria-busy"));
        Assert.DoesNotContain("All merchants", switcher.Markup);
    }

    private static AngleSharp.Dom.IElement Input(IRenderedComponent<MerchantSwitcher> switcher) => switcher.Find("[data-testid=merchant-switcher] select");

    /// <summary>What the switcher shows: the selected option's merchant name (the options also name the person's roles).</summary>
    private static string? Shown(IRenderedComponent<MerchantSwitcher> switcher) =>
        Input(switcher).QuerySelector("option[selected]")?.TextContent.Split(" · ")[0];

    private static async Task<(Merchant Thames, Merchant Severn, Person Olive)> TwoMerchantPersonAsync(PortalHost portal)
    {
        var (thames, _) = await portal.CreateMerchantAsync("Thames Coffee", "MID-0001");
        var (severn, _) = await portal.CreateMerchantAsync("Severn Books", "MID-0002");
        var olive = await portal.CreatePersonAsync("olive@thames.example", displayName: "Olive Owner");
        await portal.GrantRoleAsync(thames.Id, olive.Id, MerchantRole.Owner);
        await portal.GrantRoleAsync(severn.Id, olive.Id, MerchantRole.ComplianceOfficer);
        return (thames, severn, olive);
    }

    private async Task UseAsync(PortalHost portal, Person person, bool interactive)
    {
        var user = await portal.SignedInPrincipalAsync(person);
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Services.AddMudServices();
        _context.Services.AddSingleton(portal.GetService<IAccessScopeProvider>());
        _context.Services.AddSingleton(portal.GetService<MerchantDirectory>());
        _context.Services.AddSingleton(portal.GetService<CurrentMerchantAccessor>());
        _context.Services.AddSingleton(_current);
        _context.Services.AddSingleton<ICurrentMerchantStore>(_store);
        _context.Services.AddSingleton(_reload);
        _context.AddAuthorization().SetAuthorized(person.DisplayName).SetClaims(user.Claims.ToArray());
        _context.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo(interactive ? "Server" : "Static", isInteractive: interactive));
    }

    /// <summary>A browser store that answers only when the test tells it to.</summary>
    private sealed class SlowStore : ICurrentMerchantStore
    {
        private readonly TaskCompletionSource<Guid?> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _asked = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _loads;

        /// <summary>Completes when the switcher first asks (after its first interactive render); bounded so a regression fails rather than hangs.</summary>
        public Task Asked => _asked.Task.WaitAsync(TimeSpan.FromSeconds(30));

        public int Loads => Volatile.Read(ref _loads);

        public void Answer(Guid? merchantId) => _answer.SetResult(merchantId);

        public void Fail(Exception exception) => _answer.SetException(exception);

        public Task<Guid?> LoadAsync()
        {
            Interlocked.Increment(ref _loads);
            _asked.TrySetResult();
            return _answer.Task;
        }

        /// <summary>Saving fails as it does when the browser refuses the cookie.</summary>
        public bool FailSaves { get; set; }

        public int Saves => Volatile.Read(ref _saves);

        private int _saves;

        public Task SaveAsync(Guid? merchantId)
        {
            Interlocked.Increment(ref _saves);
            return FailSaves ? Task.FromException(new JSException("Cookies are disabled.")) : Task.CompletedTask;
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _context.DisposeAsync();
}
