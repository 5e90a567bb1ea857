using System.Net;
using AdminPortal.Features.Accounts;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;

namespace AdminPortal.IntegrationTests.Accounts;

/// <summary>
/// An enrollment link carries its one-time token in the fragment (/enroll#token): the page's script posts it, so it never
/// appears in a request line. These tests post what the script posts.
/// </summary>
public sealed class EnrollmentLinkTests
{
    [Theory, BothDatabases]
    public async Task A_mistyped_repeat_keeps_the_link_usable_and_the_right_password_then_enrolls(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        var link = await NewLinkAsync(portal, "rita@example.com", "Rita");
        using var driver = new AccountsDriver(portal);

        var opened = await driver.OpenEnrollmentLinkAsync(link);
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        Assert.Contains("Welcome, Rita", await opened.Content.ReadAsStringAsync());

        var mismatch = await driver.PostFormAsync("/enroll", "enroll", new()
        {
            ["Input.Token"] = AccountsDriver.EnrollmentToken(link),
            ["Input.Password"] = AccountsTestExtensions.DefaultPassword,
            ["Input.Confirm"] = AccountsTestExtensions.DefaultPassword + "x",
        });
        var page = await mismatch.Content.ReadAsStringAsync();
        Assert.Contains("The passwords do not match.", page);
        Assert.Contains(AccountsDriver.EnrollmentToken(link), page);

        Assert.Equal("/account/enroll", AccountsDriver.Where(await driver.SetPasswordThroughLinkAsync(link, AccountsTestExtensions.DefaultPassword)));
        using var later = new AccountsDriver(portal);
        Assert.Equal(HttpStatusCode.Gone, (await later.OpenEnrollmentLinkAsync(link)).StatusCode);
    }

    [Theory, BothDatabases]
    public async Task A_made_up_token_or_none_gets_no_password_form(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        using var driver = new AccountsDriver(portal);

        var forged = await driver.OpenEnrollmentLinkAsync("/enroll#" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        Assert.Equal(HttpStatusCode.Gone, forged.StatusCode);
        Assert.Contains("Enrollment link not valid", await forged.Content.ReadAsStringAsync());

        var forgedPassword = await driver.PostFormAsync("/enroll", "enroll", new()
        {
            ["Input.Token"] = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["Input.Password"] = AccountsTestExtensions.DefaultPassword,
            ["Input.Confirm"] = AccountsTestExtensions.DefaultPassword,
        });
        Assert.Equal(HttpStatusCode.Gone, forgedPassword.StatusCode);
        Assert.Null(driver.SessionCookie);

        // Without a fragment the page only shows what the script needs, and no form to set a password.
        var bare = await driver.Client.GetStringAsync("/enroll");
        Assert.Contains("data-enroll-open", bare);
        Assert.DoesNotContain("Set password and continue", bare);
    }

    [Theory, BothDatabases]
    public async Task A_link_issued_with_its_token_in_the_path_moves_the_token_into_the_fragment(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        var link = await NewLinkAsync(portal, "old.link@example.com", "Olga");
        var token = AccountsDriver.EnrollmentToken(link);
        using var driver = new AccountsDriver(portal);

        using var response = await driver.Client.GetAsync("/enroll/" + token);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.EndsWith("/enroll#" + token, response.Headers.Location!.OriginalString);
    }

    private static async Task<string> NewLinkAsync(PortalHost portal, string email, string displayName)
    {
        var people = portal.GetService<PersonDirectory>();
        var person = await people.CreateAsync(email, displayName, isPlatformAdmin: false);
        return await people.CreateEnrollmentLinkAsync(person.Id, TimeSpan.FromHours(1));
    }
}
