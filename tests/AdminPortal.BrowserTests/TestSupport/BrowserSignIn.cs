using AdminPortal.Features.Accounts;
using AdminPortal.Features.Accounts.Sessions;
using AdminPortal.Testing;
using Microsoft.Playwright;

namespace AdminPortal.BrowserTests.TestSupport;

/// <summary>Signs a person in to a browser context for tests of other slices (the Accounts browser tests use the real forms).</summary>
public static class BrowserSignIn
{
    /// <summary>Puts a real server-side session of the person into the browser's cookies; then open any page.</summary>
    public static async Task SignInAsync(this BrowserSession session, PortalHost host, Person person, bool freshStepUp = false)
    {
        var token = await host.CreateSessionTokenAsync(person, freshStepUp);
        await session.Context.AddCookiesAsync(
        [
            new Cookie
            {
                Name = SessionCookie.Name,
                Value = token,
                Domain = host.BaseAddress.Host,
                Path = "/",
                HttpOnly = true,
                SameSite = SameSiteAttribute.Strict,
            },
        ]);
    }
}
