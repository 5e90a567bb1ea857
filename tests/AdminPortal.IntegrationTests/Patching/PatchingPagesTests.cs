using System.Net;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Features.Patching;
using AdminPortal.Infrastructure.CommandLine;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;

namespace AdminPortal.IntegrationTests.Patching;

/// <summary>
/// Every Patching screen answers and pre-renders over demo data on both databases. (Interactive flows — approve, pause,
/// validation messages — were driven by hand in Chromium; browser tests follow once sign-in exists.)
/// </summary>
public sealed class PatchingPagesTests
{
    [Theory, BothDatabases]
    public async Task Every_patching_page_renders_over_demo_data(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        foreach (var seeder in portal.Services.GetServices<IDemoSeeder>().OrderBy(s => s.Order))
        {
            await seeder.SeedAsync(CancellationToken.None);
        }

        var policies = await portal.GetService<PatchPolicyQueries>().SearchAsync(AccessScope.PlatformAdmin(Guid.NewGuid()),
            new PolicyQuery { Status = PolicyStatus.PendingApproval });
        Assert.Equal(3, policies.Total);
        using var client = await portal.SignedInClientAsync(await portal.CreatePersonAsync("admin@provider.example", platformAdmin: true));

        Assert.Contains("Patch compliance", await PageAsync(client, "patching"));
        Assert.Contains("Patch policies", await PageAsync(client, "patching/policies"));
        Assert.Contains("Releases", await PageAsync(client, "patching/releases"));
        Assert.Contains("Create draft", await PageAsync(client, "patching/policies/new"));
        var detail = await PageAsync(client, $"patching/policies/{policies.Rows[0].Id}");
        Assert.Contains("Critical OS patch 13.4.2", detail);
        Assert.Contains("Approve and activate", detail);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"patching/policies/{Guid.NewGuid()}")).StatusCode);
        Assert.Contains("Patch compliance", await PageAsync(client, ""));
    }

    private static async Task<string> PageAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }
}
