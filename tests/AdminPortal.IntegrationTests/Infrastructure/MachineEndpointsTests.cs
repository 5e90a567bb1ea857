using System.Net;
using System.Net.Http.Headers;
using AdminPortal.Infrastructure.Database;
using AdminPortal.IntegrationTests.Devices;
using AdminPortal.Testing;

namespace AdminPortal.IntegrationTests.Infrastructure;

/// <summary>Terminals' endpoints skip the browser pipeline but still get the API's own headers; pages keep theirs.</summary>
public sealed class MachineEndpointsTests
{
    [Theory, BothDatabases]
    public async Task A_terminal_answer_carries_the_api_headers_whether_accepted_or_refused_and_a_page_keeps_its_nonce_policy(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var terminal = await api.EnrollAsync();

        var accepted = await terminal.PostAsync("/api/v1/devices/checkin", DeviceApiHarness.CheckInBody());
        var unknown = new HttpRequestMessage(HttpMethod.Post, "/api/v1/devices/checkin") { Content = System.Net.Http.Json.JsonContent.Create(DeviceApiHarness.CheckInBody()) };
        unknown.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-device-secret");
        var refused = await api.Client.SendAsync(unknown);
        var page = await api.Client.GetAsync("/sign-in");

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        foreach (var answer in new[] { accepted, refused })
        {
            Assert.Equal("default-src 'none'; frame-ancestors 'none'", Assert.Single(answer.Headers.GetValues("Content-Security-Policy")));
            Assert.Equal("nosniff", Assert.Single(answer.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("no-referrer", Assert.Single(answer.Headers.GetValues("Referrer-Policy")));
            Assert.True(answer.Headers.CacheControl?.NoStore);
        }

        Assert.Contains("script-src 'self' 'nonce-", Assert.Single(page.Headers.GetValues("Content-Security-Policy")));
    }
}
