using System.Net;
using AdminPortal.Infrastructure.Database;
using AdminPortal.IntegrationTests.Devices;
using AdminPortal.IntegrationTests.Fraud;
using AdminPortal.Testing;
using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AdminPortal.IntegrationTests.Infrastructure;

/// <summary>
/// An unexpected failure outside Development: the person sees the error page, the device API answers problem+json, and
/// neither shows the exception; the log has it. The failure is real — a table the request needs is gone — so no
/// test-only route exists in the portal.
/// </summary>
public sealed class ErrorPageTests
{
    private static readonly Dictionary<string, string?> Production = new() { ["environment"] = "Production" };

    [Theory, BothDatabases]
    public async Task In_production_a_page_that_throws_sends_the_person_to_the_error_page_without_exception_details(DatabaseProvider provider)
    {
        var logs = new CapturedLogs();
        await using var portal = await PortalHost.StartAsync(provider, Production, services => services.AddSingleton<ILoggerProvider>(logs));
        Assert.True(portal.GetService<IHostEnvironment>().IsProduction());
        var person = await portal.CreatePersonAsync("keys@example.com");
        using var client = await portal.SignedInClientAsync(person);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account/keys")).StatusCode);
        await BreakTableAsync(portal, "recovery_codes");

        // The security keys page reads the remaining recovery codes while it renders.
        using var failed = await client.GetAsync("/account/keys");
        Assert.Equal(HttpStatusCode.Redirect, failed.StatusCode);
        Assert.Equal("/Error", failed.Headers.Location?.OriginalString);
        AssertNoExceptionDetails(await failed.Content.ReadAsStringAsync());

        using var errorPage = await client.GetAsync("/Error");
        var html = await errorPage.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, errorPage.StatusCode);
        Assert.Contains("Something went wrong", html);
        Assert.Contains("Quote this reference", html);
        AssertNoExceptionDetails(html);
        // …while the log holds what operators need.
        Assert.Contains(logs.Lines, line => line.StartsWith("Error", StringComparison.Ordinal) && line.Contains("recovery_codes"));
    }

    [Theory, BothDatabases]
    public async Task In_production_a_failing_device_api_call_answers_problem_json_without_exception_details(DatabaseProvider provider)
    {
        var logs = new CapturedLogs();
        await using var devices = await DeviceApiHarness.StartAsync(provider, Production, services => services.AddSingleton<ILoggerProvider>(logs));
        Assert.True(devices.Portal.GetService<IHostEnvironment>().IsProduction());
        var code = await devices.NewCodeAsync();
        await BreakTableAsync(devices.Portal, "enrollment_codes");

        using var response = await devices.PostEnrollAsync(DeviceApiHarness.EnrollBody(code));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("An unexpected error occurred.", body);
        AssertNoExceptionDetails(body);
        Assert.Contains(logs.Lines, line => line.StartsWith("Error", StringComparison.Ordinal) && line.Contains("enrollment_codes"));
    }

    /// <summary>Moves a table away, as a failed migration or a lost database object would: the next query on it throws.</summary>
    private static async Task BreakTableAsync(PortalHost portal, string table)
    {
        await using var connection = await portal.GetService<IDbConnectionFactory>().OpenAsync();
        await connection.ExecuteAsync($"ALTER TABLE {table} RENAME TO {table}_moved_away");
    }

    private static void AssertNoExceptionDetails(string body)
    {
        foreach (var detail in new[] { "_moved_away", "recovery_codes", "enrollment_codes", "Exception", "   at ", "no such table", "does not exist", ".cs:line" })
        {
            Assert.DoesNotContain(detail, body, StringComparison.OrdinalIgnoreCase);
        }
    }
}
