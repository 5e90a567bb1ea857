using System.Net;
using System.Net.Http.Json;
using AdminPortal.Features.Devices.Api;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Features.Merchants.People;
using AdminPortal.Infrastructure.Database;
using AdminPortal.IntegrationTests.Accounts;
using AdminPortal.IntegrationTests.Devices;
using AdminPortal.IntegrationTests.Fraud;
using AdminPortal.Testing;
using Microsoft.Extensions.Logging;

namespace AdminPortal.IntegrationTests.Security;

/// <summary>
/// Passwords, one-time links, recovery codes, session references, device enrollment codes and device secrets never reach
/// the log — on the way in, on success and on refusal. Every category logs at Trace: the portal's own code, the database
/// drivers and ASP.NET Core, which then logs each request's path and query (an enrollment link's token is in its
/// fragment, which no browser sends).
/// </summary>
public sealed class SecretsNeverLoggedTests
{
    private static readonly Dictionary<string, string?> PortalLogsEverything = new()
    {
        ["Logging:LogLevel:Default"] = "Trace",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
    };

    [Theory, BothDatabases]
    public async Task Passwords_invitation_links_recovery_codes_and_session_references_never_reach_the_log(DatabaseProvider provider)
    {
        var logs = new CapturedLogs();
        await using var portal = await PortalHost.StartAsync(provider, PortalLogsEverything, services => services.AddSingleton<ILoggerProvider>(logs));
        var (merchant, _) = await portal.CreateMerchantAsync("Thames Coffee", "MID-0101");
        var owner = await portal.CreatePersonAsync("olive@thames.example");
        await portal.GrantRoleAsync(merchant.Id, owner.Id, MerchantRole.Owner);
        const string email = "nina@thames.example";
        const string password = "Violet-Harbour-Lantern-4821";
        const string wrongPassword = "Violet-Harbor-Lantern-4812";

        // Invited, she opens the link, chooses a password and enrolls a key (recovery codes shown once).
        var invitation = await portal.GetService<MerchantMemberships>().InviteAsync(
            await portal.SignedInPrincipalAsync(owner, freshStepUp: true), merchant.Id, email, "Nina", MerchantRole.ComplianceOfficer);
        using var key = new SoftwareAuthenticator(portal.BaseAddress);
        using var invited = new AccountsDriver(portal);
        var setPassword = await invited.SetPasswordThroughLinkAsync(invitation.EnrollmentLink!, password);
        Assert.Equal("/account/enroll", AccountsDriver.Where(setPassword));
        var recoveryCodes = await invited.RegisterKeyAsync(key, "Nina's key");
        Assert.Equal(10, recoveryCodes.Count);

        // A mistyped password, then password and key.
        using var signingIn = new AccountsDriver(portal);
        Assert.Equal(HttpStatusCode.OK, (await signingIn.SignInWithPasswordAsync(email, wrongPassword)).StatusCode);
        Assert.Equal("/sign-in/key", AccountsDriver.Where(await signingIn.SignInWithPasswordAsync(email, password)));
        Assert.Equal(HttpStatusCode.OK, await signingIn.PresentKeyAsync(key));

        // Key lost: a wrong recovery code, then a right one.
        using var recovering = new AccountsDriver(portal);
        await recovering.SignInWithPasswordAsync(email, password);
        var wrongCode = await recovering.PostFormAsync("/sign-in/recovery", "recovery", new() { ["Input.Code"] = "ZZZZ-ZZZZ-ZZZZ-ZZZZ" });
        Assert.Contains("not valid", await wrongCode.Content.ReadAsStringAsync());
        var recovered = await recovering.PostFormAsync("/sign-in/recovery", "recovery", new() { ["Input.Code"] = recoveryCodes[0] });
        Assert.Equal("/account/enroll", AccountsDriver.Where(recovered));

        // A used link opened again.
        using var again = new AccountsDriver(portal);
        Assert.Equal(HttpStatusCode.Gone, (await again.OpenEnrollmentLinkAsync(invitation.EnrollmentLink!)).StatusCode);

        // The flows were logged (so the capture works), with each request's path…
        Assert.Contains(logs.Lines, line => line.Contains("Security event") && line.Contains("sign-in"));
        Assert.Contains(logs.Lines, line => line.Contains("Request starting") && line.Contains("/enroll"));
        // …and none of their secrets.
        var secrets = new List<string> { password, wrongPassword, AccountsDriver.EnrollmentToken(invitation.EnrollmentLink!) };
        secrets.AddRange(recoveryCodes);
        secrets.AddRange(recoveryCodes.Select(code => code.Replace("-", "", StringComparison.Ordinal)));
        secrets.AddRange(new[] { invited, signingIn, recovering }.Select(driver => driver.SessionCookie?.Value).OfType<string>());
        Assert.True(secrets.Count >= 25, "every secret of the flows is checked");
        AssertNotLogged(logs, secrets);
    }

    [Theory, BothDatabases]
    public async Task Device_enrollment_codes_and_device_secrets_never_reach_the_log(DatabaseProvider provider)
    {
        var logs = new CapturedLogs();
        await using var devices = await DeviceApiHarness.StartAsync(provider, PortalLogsEverything, services => services.AddSingleton<ILoggerProvider>(logs));
        var code = await devices.NewCodeAsync();

        using var enrolled = await devices.PostEnrollAsync(DeviceApiHarness.EnrollBody(code, "SN-SECRET-1"));
        Assert.Equal(HttpStatusCode.Created, enrolled.StatusCode);
        var secret = (await enrolled.Content.ReadFromJsonAsync<EnrollResponse>())!.DeviceSecret;
        using var reused = await devices.PostEnrollAsync(DeviceApiHarness.EnrollBody(code, "SN-SECRET-2"));
        Assert.False(reused.IsSuccessStatusCode);

        var terminal = new DeviceApiHarness.Terminal(Guid.Empty, secret, devices.Portal.CreatePortalClient());
        await terminal.CheckInAsync();
        var forgedSecret = secret[..^6] + (secret.EndsWith("AAAAAA", StringComparison.Ordinal) ? "BBBBBB" : "AAAAAA");
        using var forged = await new DeviceApiHarness.Terminal(Guid.Empty, forgedSecret, devices.Portal.CreatePortalClient())
            .PostAsync("/api/v1/devices/checkin", DeviceApiHarness.CheckInBody());
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);

        Assert.Contains(logs.Lines, line => line.Contains("Refused a used enrollment code"));
        AssertNotLogged(logs, [code, secret, forgedSecret]);
    }

    private static void AssertNotLogged(CapturedLogs logs, IEnumerable<string> secrets)
    {
        var all = logs.All;
        foreach (var secret in secrets)
        {
            Assert.False(string.IsNullOrWhiteSpace(secret));
            Assert.False(all.Contains(secret, StringComparison.OrdinalIgnoreCase), $"A secret ({secret[..4]}…) was logged.");
        }
    }
}
