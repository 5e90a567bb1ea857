using System.Net;
using System.Text.RegularExpressions;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using AngleSharp.Html.Parser;

namespace AdminPortal.IntegrationTests.Fraud;

/// <summary>
/// /fraud as the server sends it: a statically rendered page (shell and all) with one interactive server island, the
/// queue. The shell is the same markup as on interactive pages, its toggles and merchant switcher worked by
/// js/portal.js; the page keeps the portal's sign-in requirement.
/// </summary>
public sealed partial class ReviewQueuePageTests
{
    [GeneratedRegex("<!--Blazor:\\{\"type\":\"server\"")]
    private static partial Regex ServerComponentMarker();

    [Theory, BothDatabases]
    public async Task The_queue_is_the_only_interactive_component_of_a_statically_rendered_shell(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        var (thames, _) = await portal.CreateMerchantAsync("Thames Coffee", "MID-0001");
        var (severn, _) = await portal.CreateMerchantAsync("Severn Books", "MID-0002");
        var olive = await portal.CreatePersonAsync("olive@thames.example", displayName: "Olive Owner");
        await portal.GrantRoleAsync(thames.Id, olive.Id, MerchantRole.Owner);
        await portal.GrantRoleAsync(severn.Id, olive.Id, MerchantRole.Owner);
        using var client = await portal.SignedInClientAsync(olive);

        var html = await client.GetStringAsync("/fraud");
        var document = new HtmlParser().ParseDocument(html);

        Assert.Equal("Fraud alerts · Merchant Security Admin Portal", document.Title);
        // One server component: the queue (prerendered, loading its rows). The router, layout and head are static.
        Assert.Single(ServerComponentMarker().Matches(html));
        Assert.NotNull(document.QuerySelector("[data-testid=alert-table]"));
        Assert.NotNull(document.QuerySelector("[data-testid=live-indicator]"));
        // The shell, marked for js/portal.js, leaves with full page loads (as the interactive router leaves this page).
        var shell = document.QuerySelector("[data-static-shell]");
        Assert.NotNull(shell);
        Assert.Equal("false", shell!.GetAttribute("data-enhance-nav"));
        Assert.NotNull(shell.QuerySelector("button[data-drawer-toggle][aria-controls=main-navigation]"));
        Assert.NotNull(shell.QuerySelector("[data-testid=theme-toggle][data-theme-toggle] .theme-icon-when-light"));
        Assert.NotNull(shell.QuerySelector("[data-testid=theme-toggle][data-theme-toggle] .theme-icon-when-dark"));
        Assert.Equal("page", shell.QuerySelector("nav[aria-label='Main navigation'] a[href=fraud]")?.GetAttribute("aria-current"));
        Assert.Contains("Olive Owner", shell.QuerySelector("[data-testid=account-menu] button")!.TextContent);
        Assert.NotNull(shell.QuerySelector("[data-testid=account-menu] form[action='/account/sign-out'] input[type=hidden]"));
        // The switcher is usable at once (no circuit will read the browser later): nothing remembered is "All merchants".
        var switcher = shell.QuerySelector("[data-testid=merchant-switcher] select");
        Assert.NotNull(switcher);
        Assert.False(switcher!.HasAttribute("disabled"));
        Assert.True(switcher.HasAttribute("data-static-switcher"));
        Assert.Equal("All merchants", switcher.QuerySelector("option[selected]")?.TextContent);

        // Another page keeps the portal's interactive routing: its shell is the interactive one.
        var other = await client.GetStringAsync("/merchants");
        Assert.DoesNotContain("data-static-shell", other);
        Assert.NotEmpty(ServerComponentMarker().Matches(other));
    }

    [Theory, BothDatabases]
    public async Task The_remembered_merchant_is_selected_in_the_static_switcher(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        var (thames, _) = await portal.CreateMerchantAsync("Thames Coffee", "MID-0001");
        var (severn, _) = await portal.CreateMerchantAsync("Severn Books", "MID-0002");
        var olive = await portal.CreatePersonAsync("olive@thames.example");
        await portal.GrantRoleAsync(thames.Id, olive.Id, MerchantRole.Owner);
        await portal.GrantRoleAsync(severn.Id, olive.Id, MerchantRole.Owner);
        using var client = await portal.SignedInClientAsync(olive, browserCookies: new Dictionary<string, string> { [RememberedMerchantCookie.Name] = severn.Id.ToString() });

        var document = new HtmlParser().ParseDocument(await client.GetStringAsync("/fraud"));

        var selected = document.QuerySelector("[data-testid=merchant-switcher] select option[selected]");
        Assert.Equal(severn.Id.ToString(), selected?.GetAttribute("value"));
        // The queue's merchant filter (prerendered by the island) lists only the focused merchant.
        Assert.Equal(["All merchants", "Severn Books"], document.QuerySelectorAll("#filter-merchant option").Select(o => o.TextContent));
    }

    [Theory, BothDatabases]
    public async Task Without_a_session_the_static_page_sends_the_browser_to_sign_in(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        using var anonymous = portal.CreatePortalClient();

        var response = await anonymous.GetAsync("/fraud");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/sign-in", response.Headers.Location!.OriginalString);
        Assert.DoesNotContain("alert-table", await response.Content.ReadAsStringAsync());
    }
}
