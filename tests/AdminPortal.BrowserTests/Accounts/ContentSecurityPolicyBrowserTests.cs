using AdminPortal.BrowserTests.TestSupport;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AdminPortal.BrowserTests.Accounts;

[Collection(BrowserCollection.Name)]
public sealed class ContentSecurityPolicyBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task Blazor_and_MudBlazor_pages_run_under_the_content_security_policy_without_violations()
    {
        await using var portal = await PortalHost.StartAsync(DatabaseProvider.Sqlite);
        await using var session = await browser.NewSessionAsync(portal.BaseAddress, withAuthenticator: false);
        var violations = new List<string>();
        session.Page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                violations.Add(message.Text);
            }
        };
        var page = session.Page;

        await page.GotoAsync("/sign-in");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await session.SignInAsync(portal, await portal.CreatePersonAsync("csp@example.com", displayName: "Csp Person"));
        await page.GotoAsync("/account/keys");
        await session.WaitForCircuitAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Csp Person" }).ClickAsync();
        await Expect(page.GetByTestId("account-menu").GetByRole(AriaRole.Link, new() { Name = "My security keys" })).ToBeVisibleAsync();

        Assert.Empty(violations);
    }
}
