using System.Net;
using AdminPortal.Features.Accounts;
using AdminPortal.Features.Audit;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;

namespace AdminPortal.IntegrationTests.Accounts;

public sealed class SignInTests
{
    [Theory, BothDatabases]
    public async Task Password_then_key_signs_in_and_the_cookie_holds_only_a_reference(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        using var key = new SoftwareAuthenticator(portal.BaseAddress);
        using (var enrolling = new AccountsDriver(portal))
        {
            var (_, codes) = await enrolling.EnrollAsync("ada@example.com", key);
            Assert.Equal(10, codes.Count);
        }

        using var driver = new AccountsDriver(portal);
        var password = await driver.SignInWithPasswordAsync("ada@example.com");
        Assert.Equal("/sign-in/key", AccountsDriver.Where(password));
        Assert.Equal("/sign-in/key", (await driver.VisitAsync("/merchants")).Location);

        Assert.Equal(HttpStatusCode.OK, await driver.PresentKeyAsync(key));

        Assert.Equal(HttpStatusCode.OK, (await driver.VisitAsync("/merchants")).Status);
        var cookie = driver.SessionCookie!;
        Assert.DoesNotContain("ada", cookie.Value, StringComparison.OrdinalIgnoreCase);
        Assert.True(cookie.HttpOnly);
    }

    [Theory, BothDatabases]
    public async Task Passkey_alone_signs_in_and_is_recorded_in_the_audit_log(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        using var key = new SoftwareAuthenticator(portal.BaseAddress);
        using (var enrolling = new AccountsDriver(portal))
        {
            await enrolling.EnrollAsync("grace@example.com", key);
        }

        using var driver = new AccountsDriver(portal);
        Assert.Equal(HttpStatusCode.OK, await driver.SignInWithPasskeyAsync(key));

        Assert.Equal((HttpStatusCode.OK, null), await driver.VisitAsync("/account/keys"));
        var events = await portal.GetService<IAuditLog>().SearchAsync(new AuditQuery { Category = "authentication", IncludePlatformEvents = true, Take = 100 });
        Assert.Contains(events.Rows, r => r.Action == "sign-in.succeeded" && r.Summary.Contains("passkey") && r.IpAddress is not null);
    }

    [Theory, BothDatabases]
    public async Task A_wrong_password_and_an_unknown_email_get_the_same_answer(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        await portal.CreatePersonAsync("known@example.com");
        using var driver = new AccountsDriver(portal);

        var wrong = await driver.SignInWithPasswordAsync("known@example.com", "Wrong-password-1234");
        var unknown = await driver.SignInWithPasswordAsync("nobody@example.com", "Wrong-password-1234");

        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, unknown.StatusCode);
        Assert.Equal(ErrorText(await wrong.Content.ReadAsStringAsync()), ErrorText(await unknown.Content.ReadAsStringAsync()));
        Assert.Contains("Sign-in failed", ErrorText(await wrong.Content.ReadAsStringAsync()));
    }

    [Theory, BothDatabases]
    public async Task Ten_failures_lock_the_account_so_even_the_right_password_is_refused(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider, new Dictionary<string, string?>
        {
            // Looser settings than PCI DSS allows are clamped: 50 attempts and 1 minute become 10 and 30 minutes.
            ["Accounts:MaxFailedAttempts"] = "50",
            ["Accounts:LockoutDuration"] = "00:01:00",
            ["Accounts:SignInPermitsPerMinute"] = "100",
        });
        var person = await portal.CreatePersonAsync("locked@example.com");
        using var driver = new AccountsDriver(portal);

        for (var i = 0; i < 9; i++)
        {
            await driver.SignInWithPasswordAsync(person.Email, "Wrong-password-1234");
        }

        Assert.Equal("/account/enroll", AccountsDriver.Where(await driver.SignInWithPasswordAsync(person.Email)));
        for (var i = 0; i < 10; i++)
        {
            await driver.SignInWithPasswordAsync(person.Email, "Wrong-password-1234");
        }

        var right = await driver.SignInWithPasswordAsync(person.Email);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Null(right.Headers.Location);
        using var connection = await portal.GetService<IDbConnectionFactory>().OpenAsync();
        var lockedUntil = await Dapper.SqlMapper.ExecuteScalarAsync<DateTimeOffset>(connection, "SELECT locked_until FROM people WHERE id = @id", new { id = person.Id });
        Assert.InRange(lockedUntil - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(29), TimeSpan.FromMinutes(31));
        var events = await portal.GetService<IAuditLog>().SearchAsync(new AuditQuery { Category = "authentication", IncludePlatformEvents = true, Take = 100 });
        Assert.Contains(events.Rows, r => r.Action == "sign-in.lockout" && r.ActorId == person.Id);
    }

    [Theory, BothDatabases]
    public async Task Sign_in_attempts_are_rate_limited_per_address(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider, new Dictionary<string, string?> { ["Accounts:SignInPermitsPerMinute"] = "3" });
        using var driver = new AccountsDriver(portal);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await driver.SignInWithPasswordAsync("someone@example.com", "Wrong-password-1234")).StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }

    private static string ErrorText(string html)
    {
        var start = html.IndexOf("data-testid=\"sign-in-error\"", StringComparison.Ordinal);
        return start < 0 ? "" : html[start..html.IndexOf("</div>", start, StringComparison.Ordinal)];
    }
}
