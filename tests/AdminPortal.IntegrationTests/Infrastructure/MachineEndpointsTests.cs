using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Encodings.Web;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Infrastructure.Http;
using AdminPortal.IntegrationTests.Devices;
using AdminPortal.Testing;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

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

    [Fact]
    public async Task WebApplication_adds_no_authentication_of_its_own_in_front_of_a_machine_endpoint()
    {
        // WebApplication adds UseAuthentication/UseAuthorization itself when it does not see them called on its builder;
        // calling them inside the browser branch must count, or every terminal request is authenticated anyway.
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        var counter = new CountingAuthenticationHandler.Counter();
        builder.Services.AddSingleton(counter);
        builder.Services.AddAuthentication(CountingAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, CountingAuthenticationHandler>(CountingAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorization(options => options.FallbackPolicy =
            new AuthorizationPolicyBuilder(CountingAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build());
        await using var app = builder.Build();
        app.UseBrowserPipeline(browser =>
        {
            browser.UseAuthentication();
            browser.UseAuthorization();
        });
        app.MapGet("/machine", () => "machine").AllowAnonymous().WithMetadata(new MachineEndpointMetadata());
        app.MapGet("/page", () => "page");
        await app.StartAsync();
        var client = app.GetTestClient();

        var machine = await client.GetAsync("/machine");
        var afterMachine = counter.Calls;
        var page = await client.GetAsync("/page");

        Assert.Equal(HttpStatusCode.OK, machine.StatusCode);
        Assert.Equal(0, afterMachine);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(1, counter.Calls);
    }

    private sealed class CountingAuthenticationHandler(
        IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, CountingAuthenticationHandler.Counter counter)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string SchemeName = "counting";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            Interlocked.Increment(ref counter.Value);
            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "someone")], SchemeName);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
        }

        public sealed class Counter
        {
            public int Value;

            public int Calls => Volatile.Read(ref Value);
        }
    }
}
