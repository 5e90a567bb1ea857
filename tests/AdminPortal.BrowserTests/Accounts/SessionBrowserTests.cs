using AdminPortal.BrowserTests.TestSupport;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AdminPortal.BrowserTests.Accounts;

[Collection(BrowserCollection.Name)]
public sealed class SessionBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task A_page_left_open_past_the_idle_limit_ends_and_shows_sign_in()
    {
        await using var portal = await PortalHost.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?> { ["Accounts:IdleTimeout"] = "00:00:03" });
        await using var session = await browser.NewSessionAsync(portal.BaseAddress, withAuthenticator: false);
        await session.SignInAsync(portal, await portal.CreatePersonAsync("idle@example.com"));
        var page = session.Page;

        await page.GotoAsync("/merchants");
        await session.WaitForCircuitAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Merchants" })).ToBeVisibleAsync();

        // Nobody touches the page: the server ends the session and the open page goes to sign-in by itself.
        await page.WaitForArrivalAsync("**/sign-in?returnUrl=%2Fmerchants", 20_000);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
    }

    // The fraud queue is a static page whose only circuit is its queue island: the island watches the session itself.
    [Theory]
    [InlineData("/merchants")]
    [InlineData("/fraud")]
    public async Task Disabling_a_person_closes_their_open_page_at_once(string path)
    {
        await using var portal = await PortalHost.StartAsync(DatabaseProvider.Sqlite);
        var person = await portal.CreatePersonAsync("disabled@example.com");
        await using var session = await browser.NewSessionAsync(portal.BaseAddress, withAuthenticator: false);
        await session.SignInAsync(portal, person);
        var page = session.Page;
        await page.GotoAsync(path);
        await session.WaitForCircuitAsync();

        await portal.GetService<AdminPortal.Features.Accounts.PersonDirectory>().DisableAsync(person.Id);

        await page.WaitForArrivalAsync($"**/sign-in?returnUrl=%2F{path.TrimStart('/')}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_step_up_action_is_refused_without_a_fresh_assertion_and_done_with_one()
    {
        await using var portal = await PortalHost.StartAsync(DatabaseProvider.Sqlite);
        await using var session = await browser.NewSessionAsync(portal.BaseAddress);
        var person = await session.EnrollThroughLinkAsync(portal, "stepup@example.com");
        // A session whose last key assertion is not recent (as after more than five minutes of work).
        await session.ForgetSessionAsync();
        await session.SignInAsync(portal, person, freshStepUp: false);
        var page = session.Page;

        await page.GotoAsync("/account/keys");
        await session.WaitForCircuitAsync();
        await Expect(page.GetByTestId("recovery-remaining")).ToContainTextAsync("10 of 10");
        await page.GetByRole(AriaRole.Button, new() { Name = "Generate new recovery codes" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync("needs a fresh confirmation");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        await Expect(page.GetByText("No new codes: the action was not confirmed.")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("new-recovery-codes")).ToHaveCountAsync(0);

        await page.GetByRole(AriaRole.Button, new() { Name = "Generate new recovery codes" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Use security key" }).ClickAsync();
        await Expect(page.GetByTestId("new-recovery-codes").Locator("li")).ToHaveCountAsync(10);
    }
}
