using System.Net;
using AdminPortal.Features.Accounts;
using AdminPortal.Features.Accounts.Keys;
using AdminPortal.Features.Accounts.StepUp;
using AdminPortal.Infrastructure.CommandLine;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;

namespace AdminPortal.IntegrationTests.Accounts;

public sealed class RecoveryAndSetupTests
{
    [Theory, BothDatabases]
    public async Task A_recovery_code_signs_in_once_and_forces_enrollment_of_a_new_key(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        using var lost = new SoftwareAuthenticator(portal.BaseAddress);
        IReadOnlyList<string> codes;
        using (var enrolling = new AccountsDriver(portal))
        {
            codes = (await enrolling.EnrollAsync("forgetful@example.com", lost)).RecoveryCodes;
        }

        using var driver = new AccountsDriver(portal);
        await driver.SignInWithPasswordAsync("forgetful@example.com");
        var recovered = await driver.PostFormAsync("/sign-in/recovery", "recovery", new() { ["Input.Code"] = codes[3].ToLowerInvariant() });
        Assert.Equal("/account/enroll", AccountsDriver.Where(recovered));
        Assert.Equal("/account/enroll", (await driver.VisitAsync("/merchants")).Location);

        using var replacement = new SoftwareAuthenticator(portal.BaseAddress);
        var newCodes = await driver.RegisterKeyAsync(replacement, "Replacement");
        Assert.Equal(10, newCodes.Count);
        Assert.Equal(HttpStatusCode.OK, (await driver.VisitAsync("/merchants")).Status);

        using var again = new AccountsDriver(portal);
        await again.SignInWithPasswordAsync("forgetful@example.com");
        var reused = await again.PostFormAsync("/sign-in/recovery", "recovery", new() { ["Input.Code"] = codes[3] });
        Assert.Equal(HttpStatusCode.OK, reused.StatusCode);
        Assert.Contains("not valid", await reused.Content.ReadAsStringAsync());
    }

    [Theory, BothDatabases]
    public async Task Regenerating_recovery_codes_needs_step_up(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        var person = await portal.CreatePersonAsync("codes@example.com");
        using var stale = new AccountsDriver(portal);
        stale.Cookies.Add(portal.BaseAddress, new Cookie(Features.Accounts.Sessions.SessionCookie.Name, await portal.CreateSessionTokenAsync(person)));
        using var fresh = new AccountsDriver(portal);
        fresh.Cookies.Add(portal.BaseAddress, new Cookie(Features.Accounts.Sessions.SessionCookie.Name, await portal.CreateSessionTokenAsync(person, freshStepUp: true)));
        var keys = portal.GetService<SecurityKeysService>();

        await Assert.ThrowsAsync<StepUpRequiredException>(async () => await keys.RegenerateRecoveryCodesAsync(await KeysAndStepUpTests.PrincipalOfAsync(portal, stale)));
        var codes = await keys.RegenerateRecoveryCodesAsync(await KeysAndStepUpTests.PrincipalOfAsync(portal, fresh));

        Assert.Equal(10, codes.Distinct().Count());
        Assert.All(codes, c => Assert.Matches("^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$", c));
    }

    [Theory, BothDatabases]
    public async Task First_start_setup_creates_the_admin_then_answers_404(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        var token = await portal.GetService<OneTimeTokens>().CreateAsync(OneTimeTokens.Setup, null, TimeSpan.FromHours(1));
        using var driver = new AccountsDriver(portal);

        var common = await driver.PostFormAsync("/setup", "setup", Fields(token, "password1234"));
        Assert.Contains("commonly used", await common.Content.ReadAsStringAsync());
        var wrongToken = await driver.PostFormAsync("/setup", "setup", Fields("not-the-token", "Unusual-Phrase-2931"));
        Assert.Contains("setup token is not valid", await wrongToken.Content.ReadAsStringAsync());

        var created = await driver.PostFormAsync("/setup", "setup", Fields(token, "Unusual-Phrase-2931"));

        Assert.Equal("/account/enroll", AccountsDriver.Where(created));
        var admin = await portal.GetService<PersonDirectory>().FindByEmailAsync("Root@Example.com");
        Assert.True(admin is { IsPlatformAdmin: true, Email: "root@example.com" });
        using var anonymous = portal.CreatePortalClient();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/setup")).StatusCode);
    }

    [Theory, BothDatabases]
    public async Task Create_admin_prints_a_one_time_enrollment_link(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        var command = portal.Services.GetServices<IPortalCommand>().Single(c => c.Name == "create-admin");
        var output = new StringWriter();

        Assert.Equal(0, await command.RunAsync(["--email", "ops@example.com"], output, CancellationToken.None));

        var link = output.ToString().Split('\n').Single(l => l.Contains("/enroll#")).Trim();
        Assert.Equal("/enroll", new Uri(link).AbsolutePath);
        using var driver = new AccountsDriver(portal);
        Assert.Equal(HttpStatusCode.OK, (await driver.OpenEnrollmentLinkAsync(link)).StatusCode);
        var used = await driver.SetPasswordThroughLinkAsync(link, "Unusual-Phrase-2931");
        Assert.Equal("/account/enroll", AccountsDriver.Where(used));
        using var other = new AccountsDriver(portal);
        Assert.Equal(HttpStatusCode.Gone, (await other.OpenEnrollmentLinkAsync(link)).StatusCode);
        Assert.True((await portal.GetService<PersonDirectory>().FindByEmailAsync("ops@example.com"))!.IsPlatformAdmin);
    }

    private static Dictionary<string, string> Fields(string token, string password) => new()
    {
        ["Input.Token"] = token,
        ["Input.Email"] = "Root@Example.com",
        ["Input.DisplayName"] = "Root Admin",
        ["Input.Password"] = password,
        ["Input.Confirm"] = password,
    };
}
