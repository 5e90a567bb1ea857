using AdminPortal.BrowserTests.TestSupport;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AdminPortal.BrowserTests.Shell;

[Collection(BrowserCollection.Name)]
public sealed class ShellTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_portal_opens_with_its_app_bar_navigation_and_a_remembered_theme()
    {
        await using var portal = await PortalHost.StartAsync(DatabaseProvider.Sqlite);
        await using var session = await browser.NewSessionAsync(portal.BaseAddress, withAuthenticator: false);
        await session.SignInAsync(portal, await portal.CreatePersonAsync("shell@example.com"));
        var page = session.Page;

        await page.GotoAsync("/");

        await Expect(page.Locator(".mud-appbar")).ToContainTextAsync("Merchant Security Admin Portal");
        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" }).GetByRole(AriaRole.Link, new() { Name = "Merchants" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("estate-card")).ToContainTextAsync("No merchants yet");

        // The toggle works once the circuit is live; the choice survives a reload in this browser.
        await session.WaitForCircuitAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Toggle dark theme" }).ClickAsync();
        await page.WaitForFunctionAsync("() => localStorage.getItem('portal-theme') === 'dark'");
        await page.ReloadAsync();
        await session.WaitForCircuitAsync();
        await page.WaitForFunctionAsync("() => getComputedStyle(document.querySelector('.mud-main-content')).backgroundColor !== 'rgb(245, 247, 250)'");
    }
}
