using System.Net;
using System.Text.RegularExpressions;
using AdminPortal.Features.Accounts.Sessions;
using AdminPortal.Features.Audit;
using AdminPortal.Infrastructure.Database;
using AdminPortal.IntegrationTests.TestSupport;
using AdminPortal.Testing;

namespace AdminPortal.IntegrationTests.Accounts;

/// <summary>
/// Microsoft Entra ID sign-in through the real Microsoft.Identity.Web code path against a local OpenID provider:
/// authorization code + PKCE, form_post callback, then the portal's own session rules.
/// </summary>
public sealed partial class EntraSignInTests
{
    [Theory, BothDatabases]
    public async Task An_Entra_sign_in_still_requires_the_portals_own_key(DatabaseProvider provider)
    {
        await using var entra = await LocalEntraProvider.StartAsync();
        await using var portal = await PortalHost.StartAsync(provider, entra.PortalSettings);
        await entra.RegisterPortalAsync(portal.BaseAddress);
        var person = await portal.CreatePersonAsync("erin@contoso.example");
        entra.NextUser = new EntraUser(Guid.NewGuid().ToString(), "Erin Entra", "Erin@Contoso.example", "pwd", "mfa");

        var (client, next) = await SignInThroughEntraAsync(portal);
        var home = await client.GetAsync("/");

        Assert.Equal(SignInPaths.EnrollKey, next);
        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
        Assert.StartsWith(SignInPaths.EnrollKey, home.Headers.Location!.OriginalString.Replace(portal.BaseAddress.ToString(), "/"));
        var events = await portal.GetService<IAuditLog>().SearchAsync(new AuditQuery { Category = "authentication", Text = "Entra" });
        Assert.Contains(events.Rows, e => e.Action == "sign-in.entra" && e.ActorId == person.Id);
    }

    [Theory, BothDatabases]
    public async Task Trusted_phishing_resistant_MFA_signs_the_person_in_fully(DatabaseProvider provider)
    {
        await using var entra = await LocalEntraProvider.StartAsync();
        var settings = new Dictionary<string, string?>(entra.PortalSettings) { ["Auth:TrustEntraPhishingResistantMfa"] = "true" };
        await using var portal = await PortalHost.StartAsync(provider, settings);
        await entra.RegisterPortalAsync(portal.BaseAddress);
        await portal.CreatePersonAsync("erin@contoso.example");
        entra.NextUser = new EntraUser(Guid.NewGuid().ToString(), "Erin Entra", "erin@contoso.example", "fido", "mfa");

        var (client, next) = await SignInThroughEntraAsync(portal);
        var home = await client.GetAsync("/");

        Assert.Equal("/", next);
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
    }

    [Theory, BothDatabases]
    public async Task An_Entra_identity_without_a_portal_account_gets_no_session(DatabaseProvider provider)
    {
        await using var entra = await LocalEntraProvider.StartAsync();
        var settings = new Dictionary<string, string?>(entra.PortalSettings) { ["Entra:TrustPhishingResistantMfa"] = "true" };
        await using var portal = await PortalHost.StartAsync(provider, settings);
        await entra.RegisterPortalAsync(portal.BaseAddress);
        entra.NextUser = new EntraUser(Guid.NewGuid().ToString(), "Mallory", "mallory@contoso.example", "fido");

        var cookies = new BrowserLikeCookies();
        using var client = new HttpClient(cookies) { BaseAddress = portal.BaseAddress };
        var complete = await FollowToCompletionAsync(client);

        Assert.Equal(HttpStatusCode.Redirect, complete.StatusCode);
        Assert.Equal("/sign-in?error=entra", complete.Headers.Location!.OriginalString);
        Assert.Null(cookies.Get("localhost", SessionCookie.Name));
    }

    private static async Task<(HttpClient Client, string Next)> SignInThroughEntraAsync(PortalHost portal)
    {
        var cookies = new BrowserLikeCookies();
        var client = new HttpClient(cookies) { BaseAddress = portal.BaseAddress };
        var complete = await FollowToCompletionAsync(client);
        Assert.Equal(HttpStatusCode.OK, complete.StatusCode);
        Assert.NotNull(cookies.Get("localhost", SessionCookie.Name));
        var next = MetaRefresh().Match(await complete.Content.ReadAsStringAsync()).Groups["url"].Value;
        return (client, next);
    }

    /// <summary>What a browser does: start, follow to the provider, auto-post its form back, follow to the completion step.</summary>
    private static async Task<HttpResponseMessage> FollowToCompletionAsync(HttpClient client)
    {
        var start = await client.GetAsync("/sign-in/entra");
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        var authorize = await client.GetAsync(start.Headers.Location);
        var html = await authorize.Content.ReadAsStringAsync();
        Assert.True(authorize.StatusCode == HttpStatusCode.OK, html);
        var action = WebUtility.HtmlDecode(FormAction().Match(html).Groups["action"].Value);
        var fields = HiddenInput().Matches(html).ToDictionary(m => WebUtility.HtmlDecode(m.Groups["name"].Value), m => WebUtility.HtmlDecode(m.Groups["value"].Value));
        var callback = await client.PostAsync(action, new FormUrlEncodedContent(fields));
        Assert.True(callback.StatusCode == HttpStatusCode.Redirect, await callback.Content.ReadAsStringAsync());
        return await client.GetAsync(callback.Headers.Location);
    }

    [GeneratedRegex("<form[^>]*action=\"(?<action>[^\"]+)\"", RegexOptions.IgnoreCase)]
    private static partial Regex FormAction();

    [GeneratedRegex("<input[^>]*name=\"(?<name>[^\"]+)\"[^>]*value=\"(?<value>[^\"]*)\"", RegexOptions.IgnoreCase)]
    private static partial Regex HiddenInput();

    [GeneratedRegex("url=(?<url>[^\"]+)\"")]
    private static partial Regex MetaRefresh();
}
