using System.Net;
using AdminPortal.Features.Accounts;
using AdminPortal.Features.Accounts.Security;
using AdminPortal.Features.Accounts.Sessions;
using AdminPortal.Features.Accounts.SignIn;

namespace AdminPortal.Testing;

/// <summary>
/// Intent methods for tests of any slice: people and signed-in clients. Sessions are minted through the portal's own
/// session store from inside the test process (no HTTP back door exists in the portal); they are real server-side
/// sessions, revocable and subject to the idle and absolute limits like any other.
/// </summary>
public static class AccountsTestExtensions
{
    public const string DefaultPassword = "Correct-Horse-Battery-9";

    /// <summary>Creates an active person with the password <see cref="DefaultPassword"/> (and no key).</summary>
    public static async Task<Person> CreatePersonAsync(this PortalHost host, string email, bool platformAdmin = false, string? displayName = null)
    {
        var person = await host.GetService<PersonDirectory>().CreateAsync(email, displayName ?? email.Split('@')[0], platformAdmin);
        await host.GetService<PasswordSignIn>().SetPasswordAsync(person.Id, DefaultPassword);
        return person;
    }

    /// <summary>The cookie value of a new, fully authenticated session of the person (as after password + key).</summary>
    public static async Task<string> CreateSessionTokenAsync(this PortalHost host, Person person, bool freshStepUp = false)
    {
        var (_, token) = await host.GetService<SessionStore>()
            .CreateAsync(person.Id, SessionLevels.Full, assertedNow: freshStepUp, new ClientInfo("127.0.0.1", "tests"));
        return token;
    }

    /// <summary>
    /// An HttpClient (no automatic redirects) whose cookie is a real server-side session of the person, plus any
    /// <paramref name="browserCookies"/> a browser would also send (such as the remembered app-bar merchant).
    /// </summary>
    public static async Task<HttpClient> SignedInClientAsync(this PortalHost host, Person person, bool freshStepUp = false,
        IReadOnlyDictionary<string, string>? browserCookies = null)
    {
        var cookies = new CookieContainer();
        cookies.Add(host.BaseAddress, new Cookie(SessionCookie.Name, await host.CreateSessionTokenAsync(person, freshStepUp)));
        foreach (var (name, value) in browserCookies ?? new Dictionary<string, string>())
        {
            cookies.Add(host.BaseAddress, new Cookie(name, value));
        }

        return new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = cookies })
        {
            BaseAddress = host.BaseAddress,
        };
    }

    /// <summary>Waits for a state the server reaches by itself (a window closing, a session expiring), polling it.</summary>
    public static async Task WaitUntilAsync(this PortalHost host, Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The expected state was not reached in time.");
            }

            await Task.Delay(100);
        }
    }
}
