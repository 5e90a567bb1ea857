using System.Net;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;

namespace AdminPortal.IntegrationTests.Operations;

public sealed class HealthTests
{
    [Theory, BothDatabases]
    public async Task Alive_and_ready_on_a_migrated_database(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        using var client = portal.CreatePortalClient();

        var alive = await client.GetAsync("/healthz");
        var ready = await client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    [Theory, BothDatabases]
    public async Task Unknown_pages_get_the_not_found_page_and_unknown_api_paths_problem_json(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        using var client = portal.CreatePortalClient();

        var page = await client.GetAsync("/no/such/page");
        var api = await client.GetAsync("/api/v1/no-such-thing");

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Contains("Page not found", await page.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
    }
}
