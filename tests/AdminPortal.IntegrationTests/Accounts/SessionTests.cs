using System.Net;
using AdminPortal.Features.Accounts;
using AdminPortal.Features.Accounts.Sessions;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using Dapper;

namespace AdminPortal.IntegrationTests.Accounts;

public sealed class SessionTests
{
    [Theory, BothDatabases]
    public async Task Every_page_needs_a_full_sign_in_but_health_and_unknown_paths_do_not(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        using var anonymous = portal.CreatePortalClient();

        var page = await anonymous.GetAsync("/merchants");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/sign-in?returnUrl=%2Fmerchants", AccountsDriver.Where(page));
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/sign-in")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/api/v1/no-such-thing")).StatusCode);

        using var signedIn = await portal.SignedInClientAsync(await portal.CreatePersonAsync("someone@example.com"));
        Assert.Equal(HttpStatusCode.OK, (await signedIn.GetAsync("/merchants")).StatusCode);
    }

    [Theory, BothDatabases]
    public async Task Signing_out_ends_the_session_on_the_server_so_a_copied_cookie_is_worthless(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        var person = await portal.CreatePersonAsync("leaver@example.com");
        using var driver = new AccountsDriver(portal);
        driver.Cookies.Add(portal.BaseAddress, new Cookie(SessionCookie.Name, await portal.CreateSessionTokenAsync(person)));
        var copied = driver.SessionCookie!.Value;

        var signOut = await driver.SignOutAsync();

        Assert.Equal("/sign-in", AccountsDriver.Where(signOut));
        using var replay = portal.CreatePortalClient();
        replay.DefaultRequestHeaders.Add("Cookie", $"{SessionCookie.Name}={copied}");
        Assert.Equal(HttpStatusCode.Redirect, (await replay.GetAsync("/merchants")).StatusCode);
    }

    [Theory, BothDatabases]
    public async Task A_session_idle_past_the_limit_or_past_its_lifetime_is_refused(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        var person = await portal.CreatePersonAsync("idle@example.com");
        using var idle = await portal.SignedInClientAsync(person);
        using var old = await portal.SignedInClientAsync(person);
        using var fresh = await portal.SignedInClientAsync(person);
        var sessions = await portal.GetService<SessionStore>().ListActiveAsync(person.Id);
        Assert.Equal(3, sessions.Count);

        // The clocks of two sessions are moved back rather than waited out: 16 minutes idle, and created 13 hours ago.
        await using (var connection = await portal.GetService<IDbConnectionFactory>().OpenAsync())
        {
            var ordered = sessions.OrderBy(s => s.CreatedAt).ToList();
            await connection.ExecuteAsync("UPDATE portal_sessions SET last_seen_at = @at WHERE id = @id",
                new { id = ordered[0].Id, at = DateTimeOffset.UtcNow.AddMinutes(-16) });
            await connection.ExecuteAsync("UPDATE portal_sessions SET expires_at = @at WHERE id = @id",
                new { id = ordered[1].Id, at = DateTimeOffset.UtcNow.AddMinutes(-1) });
        }

        Assert.Equal(HttpStatusCode.Redirect, (await idle.GetAsync("/merchants")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await old.GetAsync("/merchants")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fresh.GetAsync("/merchants")).StatusCode);
        Assert.Single(await portal.GetService<SessionStore>().ListActiveAsync(person.Id));
    }

    [Theory, BothDatabases]
    public async Task Disabling_a_person_or_signing_out_everywhere_ends_all_their_sessions(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        var disabled = await portal.CreatePersonAsync("disabled@example.com");
        var careful = await portal.CreatePersonAsync("careful@example.com");
        using var disabledA = await portal.SignedInClientAsync(disabled);
        using var disabledB = await portal.SignedInClientAsync(disabled);
        using var carefulElsewhere = await portal.SignedInClientAsync(careful);
        using var driver = new AccountsDriver(portal);
        driver.Cookies.Add(portal.BaseAddress, new Cookie(SessionCookie.Name, await portal.CreateSessionTokenAsync(careful)));

        await portal.GetService<PersonDirectory>().DisableAsync(disabled.Id);
        var token = await driver.AntiforgeryTokenAsync("/account/keys");
        var everywhere = await driver.Client.PostAsync("/account/sign-out-everywhere",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));

        Assert.Equal("/sign-in", AccountsDriver.Where(everywhere));
        Assert.Equal(HttpStatusCode.Redirect, (await disabledA.GetAsync("/merchants")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await disabledB.GetAsync("/merchants")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await carefulElsewhere.GetAsync("/merchants")).StatusCode);
        Assert.Equal(PersonStatus.Disabled, (await portal.GetService<PersonDirectory>().FindAsync(disabled.Id))!.Status);
    }

    [Theory, BothDatabases]
    public async Task Sign_out_without_the_antiforgery_token_is_refused(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        var person = await portal.CreatePersonAsync("csrf@example.com");
        using var client = await portal.SignedInClientAsync(person);

        var forged = await client.PostAsync("/account/sign-out-everywhere", new FormUrlEncodedContent(new Dictionary<string, string>()));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/merchants")).StatusCode);
    }

    [Theory, BothDatabases]
    public async Task Responses_carry_the_security_headers(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        using var client = portal.CreatePortalClient();

        var response = await client.GetAsync("/sign-in");

        var csp = string.Join(" ", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("script-src 'self'", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.False(response.Headers.Contains("Strict-Transport-Security"), "HSTS is for https only");
    }
}
