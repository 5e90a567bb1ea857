using AdminPortal.BrowserTests.TestSupport;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AdminPortal.BrowserTests.Merchants;

[Collection(BrowserCollection.Name)]
public sealed class MerchantSwitcherBrowserTests(BrowserFixture browser)
{
    [Theory, BothDatabases]
    public async Task A_person_with_two_merchants_switches_in_the_app_bar_and_the_browser_remembers_the_choice(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        var (bakery, _) = await portal.CreateMerchantAsync("Corner Bakery", "MB-SWITCH-1");
        var (books, _) = await portal.CreateMerchantAsync("River Books", "MB-SWITCH-2");
        await portal.CreateMerchantAsync("Foreign Shop", "MB-SWITCH-3");
        var olive = await portal.CreatePersonAsync("olive@bakery.example", displayName: "Olive Owner");
        await portal.GrantRoleAsync(bakery.Id, olive.Id, MerchantRole.Owner);
        await portal.GrantRoleAsync(books.Id, olive.Id, MerchantRole.ComplianceOfficer);
        await using var session = await browser.NewSessionAsync(portal.BaseAddress);
        await session.SignInAsync(portal, olive);
        var page = session.Page;

        await page.GotoAsync("/merchants");
        await session.WaitForCircuitAsync();
        var table = page.Locator(".page-content");
        await Expect(table).ToContainTextAsync("Corner Bakery");
        await Expect(table).ToContainTextAsync("River Books");

        // A native select, found by its label as a person (or a screen reader) finds it.
        await page.GetByLabel("Merchant", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "River Books · compliance officer" });

        // The open page is rebuilt for the chosen merchant only.
        await Expect(table).Not.ToContainTextAsync("Corner Bakery");
        await Expect(table).ToContainTextAsync("River Books");

        // The choice travels with every request (a cookie): the page as served, before any script runs, is already
        // narrowed, so "Corner Bakery" never flashes up on the next load.
        await page.RouteAsync("**/_framework/blazor.web.js", route => route.AbortAsync());
        await page.ReloadAsync();
        await Expect(page.GetByLabel("Merchant", new() { Exact = true }).Locator("option:checked")).ToHaveTextAsync("River Books · compliance officer");
        await Expect(table).ToContainTextAsync("River Books");
        await Expect(table).Not.ToContainTextAsync("Corner Bakery");
        await page.UnrouteAsync("**/_framework/blazor.web.js");

        // A new circuit (reload) keeps the choice.
        await page.ReloadAsync();
        await session.WaitForCircuitAsync();
        await Expect(page.GetByLabel("Merchant", new() { Exact = true }).Locator("option:checked")).ToHaveTextAsync("River Books · compliance officer");
        await Expect(table).Not.ToContainTextAsync("Corner Bakery");
        await Expect(table).ToContainTextAsync("River Books");
    }
}
