using System.Net;
using System.Security.Claims;
using System.Text.Json.Nodes;
using AdminPortal.Features.Accounts;
using AdminPortal.Features.Accounts.Keys;
using AdminPortal.Features.Accounts.Sessions;
using AdminPortal.Features.Accounts.StepUp;
using AdminPortal.Features.Audit;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;

namespace AdminPortal.IntegrationTests.Accounts;

public sealed class KeysAndStepUpTests
{
    [Theory, BothDatabases]
    public async Task Removing_a_key_needs_a_fresh_assertion_and_never_removes_the_last_key(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider, new Dictionary<string, string?> { ["Accounts:StepUpWindow"] = "00:00:01" });
        using var first = new SoftwareAuthenticator(portal.BaseAddress);
        using var second = new SoftwareAuthenticator(portal.BaseAddress);
        using var driver = new AccountsDriver(portal);
        await driver.EnrollAsync("keys@example.com", first);
        await driver.RegisterKeyAsync(second, "Spare key");
        var user = await PrincipalOfAsync(portal, driver);
        var keys = portal.GetService<SecurityKeysService>();
        var stepUp = portal.GetService<IStepUp>();
        var list = await keys.ListAsync(user);
        Assert.Equal(["Test key", "Spare key"], list.Select(k => k.Name));

        // The sign-in assertion has aged past the (shortened) window: the action itself refuses.
        await portal.WaitUntilAsync(async () => !await stepUp.IsFreshAsync(user));
        await Assert.ThrowsAsync<StepUpRequiredException>(() => keys.RemoveAsync(user, list[1].Id));

        var start = await stepUp.BeginAsync(user);
        Assert.True(await stepUp.CompleteAsync(user, start.RequestId, first.Get(start.OptionsJson).ToJsonString()));
        Assert.True(await keys.RemoveAsync(user, list[1].Id));

        start = await stepUp.BeginAsync(user);
        Assert.True(await stepUp.CompleteAsync(user, start.RequestId, first.Get(start.OptionsJson).ToJsonString()));
        Assert.False(await keys.RemoveAsync(user, list[0].Id));
        Assert.Single(await keys.ListAsync(user));
    }

    [Theory, BothDatabases]
    public async Task A_signature_counter_that_goes_backwards_refuses_the_sign_in_and_is_audited(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        using var key = new SoftwareAuthenticator(portal.BaseAddress);
        Person person;
        using (var enrolling = new AccountsDriver(portal))
        {
            person = (await enrolling.EnrollAsync("cloned@example.com", key)).Person;
        }

        using var driver = new AccountsDriver(portal);
        Assert.Equal(HttpStatusCode.OK, await driver.SignInWithPasskeyAsync(key));
        key.SignCount -= 2; // a clone that has not seen the last signature

        using var clone = new AccountsDriver(portal);
        Assert.Equal(HttpStatusCode.BadRequest, await clone.SignInWithPasskeyAsync(key));

        Assert.Equal(HttpStatusCode.Redirect, (await clone.VisitAsync("/merchants")).Status);
        var events = await portal.GetService<IAuditLog>().SearchAsync(new AuditQuery { Category = "authentication", IncludePlatformEvents = true, Take = 100 });
        Assert.Contains(events.Rows, r => r.Action == "webauthn.counter-regression" && r.ActorId == person.Id && r.Outcome == AuditOutcome.Denied);
    }

    [Theory, BothDatabases]
    public async Task A_pending_ceremony_is_single_use(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        using var key = new SoftwareAuthenticator(portal.BaseAddress);
        using (var enrolling = new AccountsDriver(portal))
        {
            await enrolling.EnrollAsync("replay@example.com", key);
        }

        using var driver = new AccountsDriver(portal);
        var token = await driver.AntiforgeryTokenAsync("/sign-in");
        var start = await driver.PostJsonAsync("/account/webauthn/passkey/options", new { }, token);
        var body = new JsonObject { ["requestId"] = start["requestId"]!.GetValue<string>(), ["response"] = key.Get(start["optionsJson"]!.GetValue<string>()) };

        using var first = await driver.SendJsonAsync("/account/webauthn/passkey", body.DeepClone(), token);
        using var again = await driver.SendJsonAsync("/account/webauthn/passkey", body.DeepClone(), token);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
    }

    internal static async Task<ClaimsPrincipal> PrincipalOfAsync(PortalHost portal, AccountsDriver driver)
    {
        var session = await portal.GetService<SessionStore>().ResolveAsync(driver.SessionCookie!.Value, touch: false);
        var person = await portal.GetService<PersonDirectory>().FindAsync(session!.PersonId);
        return SessionAuthenticationHandler.CreatePrincipal(person!, session);
    }
}
