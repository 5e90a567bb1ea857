using AdminPortal.Components.Layout;
using AdminPortal.Infrastructure.Shell;
using AdminPortal.Tests.TestSupport;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace AdminPortal.Tests.Shell;

public sealed class NavMenuTests : PortalComponentTest
{
    [Fact]
    public void Groups_follow_the_area_order_and_hide_links_the_person_may_not_use()
    {
        Context.Services.AddNavItem(new NavItem("Administration", "People", "people", "", 10, Policy: "PlatformAdmin"));
        Context.Services.AddNavItem(new NavItem("Estate", "Devices", "devices", "", 20));
        Context.Services.AddNavItem(new NavItem("Overview", "Dashboard", "", "", 0));
        Context.Services.AddNavItem(new NavItem("Estate", "Merchants", "merchants", "", 10));
        Authorization.SetAuthorized("owner@example.com");
        Authorization.SetPolicies("SomethingElse");

        var menu = Render<NavMenu>();

        var groups = menu.FindAll("[data-testid=nav-group]").Select(g => g.TextContent).ToList();
        Assert.Equal(["Overview", "Estate"], groups);
        var links = menu.FindAll("a").Select(a => a.TextContent.Trim()).ToList();
        Assert.Equal(["Dashboard", "Merchants", "Devices"], links);
    }

    [Fact]
    public void A_link_with_a_policy_shows_to_a_person_who_satisfies_it()
    {
        Context.Services.AddNavItem(new NavItem("Administration", "People", "people", "", 10, Policy: "PlatformAdmin"));
        Authorization.SetAuthorized("admin@example.com");
        Authorization.SetPolicies("PlatformAdmin");

        var menu = Render<NavMenu>();

        Assert.Equal("Administration", menu.Find("[data-testid=nav-group]").TextContent);
        Assert.Equal("people", menu.Find("a").GetAttribute("href"));
    }

    [Fact]
    public void The_link_of_the_open_page_is_marked_current_and_the_mark_follows_navigation()
    {
        Context.Services.AddNavItem(new NavItem("Overview", "Dashboard", "", "", 0));
        Context.Services.AddNavItem(new NavItem("Estate", "Merchants", "merchants", "", 10));
        Context.Services.AddNavItem(new NavItem("Risk", "Fraud alerts", "fraud", "", 10));
        Context.Services.AddNavItem(new NavItem("Risk", "Fraud rules", "fraud/rules", "", 11));
        Authorization.SetAuthorized("owner@example.com");
        var navigation = Context.Services.GetRequiredService<NavigationManager>();

        var menu = Render<NavMenu>();
        List<string> Current() => menu.FindAll("a[aria-current=page]").Select(a => a.TextContent.Trim()).ToList();

        // The home link only on the home page; any other link on its page and the pages below it, not on a page that
        // merely starts with the same letters.
        Assert.Equal(["Dashboard"], Current());
        navigation.NavigateTo("fraud/alerts/5f0c?tab=hits");
        menu.WaitForAssertion(() => Assert.Equal(["Fraud alerts"], Current()));
        // Of two links that both lead above the page, only the more specific one is marked.
        navigation.NavigateTo("fraud/rules");
        menu.WaitForAssertion(() => Assert.Equal(["Fraud rules"], Current()));
        navigation.NavigateTo("merchants");
        menu.WaitForAssertion(() => Assert.Equal(["Merchants"], Current()));
        navigation.NavigateTo("merchantsfoo");
        menu.WaitForAssertion(() => Assert.Empty(Current()));
        Assert.All(menu.FindAll("a"), a => Assert.Contains("mud-nav-link", a.ClassName));
        Assert.DoesNotContain(menu.FindAll("a.active"), a => a.TextContent.Trim() == "Merchants");
    }
}
