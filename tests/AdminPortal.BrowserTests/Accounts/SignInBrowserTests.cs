using AdminPortal.BrowserTests.TestSupport;
using AdminPortal.Features.Accounts;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AdminPortal.BrowserTests.Accounts;

[Collection(BrowserCollection.Name)]
public sealed class SignInBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task Setup_enroll_a_passkey_sign_out_and_sign_in_with_password_and_key()
    {
        await using var portal = await PortalHost.StartAsync(DatabaseProvider.Sqlite);
        var token = await portal.GetService<OneTimeTokens>().CreateAsync(OneTimeTokens.Setup, null, TimeSpan.FromHours(1));
        await using var session = await browser.NewSessionAsync(portal.BaseAddress);
        var page = session.Page;

        await page.GotoAsync("/");
        await page.WaitForArrivalAsync("**/sign-in");
        await page.GotoAsync("/setup");
        await page.GetByLabel("Setup token").FillAsync(token);
        await page.GetByLabel("Email").FillAsync("root@example.com");
        await page.GetByLabel("Display name").FillAsync("Root Admin");
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(AccountsBrowserSteps.Password);
        await page.GetByLabel("Repeat password").FillAsync(AccountsBrowserSteps.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create admin and continue" }).ClickAsync();
        await session.EnrollKeyAsync("My passkey");
        Assert.Single((await session.CredentialsAsync()).EnumerateArray());

        await session.WaitForCircuitAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Root Admin" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.WaitForArrivalAsync("**/sign-in");

        await page.SubmitPasswordAsync("root@example.com", AccountsBrowserSteps.Password);
        await page.WaitForArrivalAsync("**/sign-in/key");
        await page.GetByRole(AriaRole.Button, new() { Name = "Use security key" }).ClickAsync();
        await page.WaitForArrivalAsync(url => new Uri(url).AbsolutePath == "/");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Root Admin" })).ToBeVisibleAsync();

        var response = await page.GotoAsync("/setup");
        Assert.Equal(404, response!.Status);
    }

    [Fact]
    public async Task A_passkey_alone_signs_in()
    {
        await using var portal = await PortalHost.StartAsync(DatabaseProvider.Sqlite);
        await using var session = await browser.NewSessionAsync(portal.BaseAddress);
        await session.EnrollThroughLinkAsync(portal, "passkey@example.com");
        await session.ForgetSessionAsync();
        var page = session.Page;

        await page.GotoAsync("/sign-in");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();

        await page.WaitForArrivalAsync(url => new Uri(url).AbsolutePath == "/");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Enrolled Person" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_key_removed_from_the_authenticator_no_longer_signs_in()
    {
        await using var portal = await PortalHost.StartAsync(DatabaseProvider.Sqlite);
        await using var session = await browser.NewSessionAsync(portal.BaseAddress);
        await session.EnrollThroughLinkAsync(portal, "lost-key@example.com");
        await session.ForgetSessionAsync();
        await session.ClearCredentialsAsync();
        var page = session.Page;

        await page.GotoAsync("/sign-in");
        await page.SubmitPasswordAsync("lost-key@example.com", AccountsBrowserSteps.Password);
        await page.WaitForArrivalAsync("**/sign-in/key");
        await page.GetByRole(AriaRole.Button, new() { Name = "Use security key" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("No key was used");
        var dashboard = await page.GotoAsync("/");
        Assert.EndsWith("/sign-in/key", page.Url);
        Assert.Equal(200, dashboard!.Status);
    }

    [Fact]
    public async Task Ten_wrong_passwords_lock_the_account_without_saying_whether_it_exists()
    {
        await using var portal = await PortalHost.StartAsync(DatabaseProvider.Sqlite);
        var person = await portal.CreatePersonAsync("target@example.com");
        await using var session = await browser.NewSessionAsync(portal.BaseAddress, withAuthenticator: false);
        var page = session.Page;
        await page.GotoAsync("/sign-in");

        await page.SubmitPasswordAsync("nobody@example.com", "Wrong-password-1234");
        var unknownMessage = await page.GetByRole(AriaRole.Alert).InnerTextAsync();
        for (var i = 0; i < 10; i++)
        {
            await page.SubmitPasswordAsync(person.Email, "Wrong-password-1234");
            await Expect(page.GetByRole(AriaRole.Alert)).ToBeVisibleAsync();
        }

        await page.SubmitPasswordAsync(person.Email, AccountsTestExtensions.DefaultPassword);

        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(unknownMessage);
        Assert.EndsWith("/sign-in", page.Url);
    }
}
