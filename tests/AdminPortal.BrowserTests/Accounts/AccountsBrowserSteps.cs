using AdminPortal.BrowserTests.TestSupport;
using AdminPortal.Features.Accounts;
using AdminPortal.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AdminPortal.BrowserTests.Accounts;

/// <summary>The steps a person takes on the Accounts pages, by visible labels and button texts.</summary>
internal static class AccountsBrowserSteps
{
    public const string Password = "Unusual-Phrase-2931";

    /// <summary>Creates a person and enrolls them through their one-time link, registering the virtual authenticator's key.</summary>
    public static async Task<Person> EnrollThroughLinkAsync(this BrowserSession session, PortalHost portal, string email)
    {
        var directory = portal.GetService<PersonDirectory>();
        var person = await directory.CreateAsync(email, "Enrolled Person", isPlatformAdmin: false);
        var link = await directory.CreateEnrollmentLinkAsync(person.Id, TimeSpan.FromHours(1));
        var page = session.Page;
        await page.GotoAsync(link);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        // The page's script took the one-time token out of the address (and the history) before posting it.
        Assert.Equal("/enroll", new Uri(page.Url).PathAndQuery + new Uri(page.Url).Fragment);
        await page.GetByLabel("Repeat password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Set password and continue" }).ClickAsync();
        await session.EnrollKeyAsync("Virtual key");
        return person;
    }

    /// <summary>On /account/enroll: names and creates the key, then leaves the recovery codes page.</summary>
    public static async Task EnrollKeyAsync(this BrowserSession session, string name)
    {
        var page = session.Page;
        await page.WaitForArrivalAsync("**/account/enroll");
        await page.GetByLabel("Key name").FillAsync(name);
        await page.GetByRole(AriaRole.Button, new() { Name = "Enroll security key" }).ClickAsync();
        await Expect(page.GetByTestId("recovery-codes").Locator("li")).ToHaveCountAsync(10);
        await page.GetByRole(AriaRole.Link, new() { Name = "I have saved my recovery codes" }).ClickAsync();
        await page.WaitForArrivalAsync(url => new Uri(url).AbsolutePath == "/");
    }

    public static async Task SubmitPasswordAsync(this IPage page, string email, string password)
    {
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
    }

    /// <summary>Forgets this browser's session cookie (a new browser, or the next day), leaving the authenticator's keys.</summary>
    public static Task ForgetSessionAsync(this BrowserSession session) => session.Context.ClearCookiesAsync();
}
