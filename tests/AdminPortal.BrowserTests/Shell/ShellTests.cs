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

    [Fact]
    public async Task The_account_menu_opens_from_the_keyboard_and_closes_with_escape_or_a_click_elsewhere()
    {
        await using var portal = await PortalHost.StartAsync(DatabaseProvider.Sqlite);
        await using var session = await browser.NewSessionAsync(portal.BaseAddress, withAuthenticator: false);
        await session.SignInAsync(portal, await portal.CreatePersonAsync("menu@example.com", displayName: "Menu Person"));
        var page = session.Page;
        await page.GotoAsync("/");
        await session.WaitForCircuitAsync();

        var button = page.GetByRole(AriaRole.Button, new() { Name = "Menu Person" });
        var keys = page.GetByTestId("account-menu").GetByRole(AriaRole.Link, new() { Name = "My security keys" });
        var signOut = page.GetByRole(AriaRole.Button, new() { Name = "Sign out" });
        await Expect(button).ToHaveAttributeAsync("aria-expanded", "false");
        await Expect(keys).ToBeHiddenAsync();

        // Enter opens it; the panel it controls holds the keys link and the sign-out button.
        await button.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(button).ToHaveAttributeAsync("aria-expanded", "true");
        var panelId = await button.GetAttributeAsync("aria-controls");
        await Expect(page.Locator($"#{panelId}")).ToBeVisibleAsync();
        await Expect(keys).ToBeVisibleAsync();
        await Expect(signOut).ToBeVisibleAsync();

        // Escape closes it and gives the focus back to the button; Space opens it again.
        await keys.FocusAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(button).ToHaveAttributeAsync("aria-expanded", "false");
        await Expect(keys).ToBeHiddenAsync();
        await Expect(button).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Space");
        await Expect(keys).ToBeVisibleAsync();

        // A click elsewhere closes it; following the link goes to the keys page.
        await page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard" }).ClickAsync();
        await Expect(keys).ToBeHiddenAsync();
        await button.ClickAsync();
        await keys.ClickAsync();
        await page.WaitForArrivalAsync("**/account/keys");
        await Expect(keys).ToBeHiddenAsync();
    }
}
