using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using AdminPortal.BrowserTests.TestSupport;
using AdminPortal.Features.Devices;
using AdminPortal.Features.Devices.Api;
using AdminPortal.Features.Devices.Enrollment;
using AdminPortal.Features.Merchants;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using static Microsoft.Playwright.Assertions;

namespace AdminPortal.BrowserTests.ScaleOut;

/// <summary>Two portal instances on one PostgreSQL, as behind a load balancer; the browser talks to one, terminals to the other.</summary>
[Collection(BrowserCollection.Name)]
public sealed class LiveAcrossInstancesBrowserTests(BrowserFixture browser)
{
    // LISTEN/NOTIFY carries the alert between the instances: PostgreSQL only.
    [Fact]
    public async Task An_alert_ingested_through_instance_A_shows_live_on_the_queue_page_served_by_instance_B()
    {
        await using var a = await PortalHost.StartAsync(DatabaseProvider.Postgres);
        await using var b = PortalHost.StartAnotherInstance(a);
        var analyst = await a.CreatePersonAsync("analyst@example.com", platformAdmin: true);
        var directory = a.GetService<MerchantDirectory>();
        var merchant = await directory.EnsureMerchantAsync("SCALE-OUT-01", "Scale-out Coffee", "DE", 4, "P2PE");
        await directory.EnsureStoreAsync(merchant.Id, "Berlin", "Hauptstraße 1", "Berlin", "10117", "DE", "Europe/Berlin", 52.52, 13.405, null);
        var store = (await directory.ListStoresAsync(merchant.Id)).Single();
        var code = (await a.GetService<EnrollmentCodes>()
            .CreateAsync(AccessScope.PlatformAdmin(Guid.NewGuid()), DeviceActor.CommandLine, merchant.Id, store.Id, 1, 24)).Single().Code;
        using var terminal = new HttpClient { BaseAddress = a.BaseAddress };
        var enrolled = await terminal.PostAsJsonAsync("/api/v1/devices/enroll", new
        {
            enrollmentCode = code, serialNumber = "SN-LIVE-1", model = "A920", manufacturer = "PAX",
            osVersion = "Android 10", firmwareVersion = "FW 1.2", appVersion = "3.4.0",
        });
        Assert.Equal(HttpStatusCode.Created, enrolled.StatusCode);
        terminal.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await enrolled.Content.ReadFromJsonAsync<EnrollResponse>())!.DeviceSecret);

        await using var session = await browser.NewSessionAsync(b.BaseAddress, withAuthenticator: false);
        // The session was made by instance A; the page is served by instance B.
        await session.SignInAsync(a, analyst);
        var page = session.Page;
        await page.GotoAsync("/fraud");
        await session.WaitForCircuitAsync();
        await Expect(page.GetByTestId("live-indicator")).ToBeVisibleAsync();
        // A static page whose queue is its only interactive part: that island's circuit on B takes the alert.
        await Expect(page.Locator("[data-static-shell]")).ToHaveCountAsync(1);

        // Six sales on one card within minutes: the velocity rule opens an alert.
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        var batch = await terminal.PostAsJsonAsync("/api/v1/transactions", new
        {
            events = Enumerable.Range(0, 6).Select(i => new
            {
                eventId = $"live-{i}", occurredAt = start.AddMinutes(i), type = "sale", amountMinor = 1250, currency = "EUR",
                cardToken = "tok_live_across", bin = "411111", last4 = "1111", entryMode = "chip", result = "approved", responseCode = "00",
            }).ToArray(),
        });
        Assert.Equal(HttpStatusCode.Accepted, batch.StatusCode);

        await Expect(page.GetByTestId("new-alerts")).ToContainTextAsync("1 new alert");
        await Expect(page.Locator("table")).ToContainTextAsync("Scale-out Coffee");
    }
}
