using AdminPortal.BrowserTests.TestSupport;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using Dapper;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AdminPortal.BrowserTests.Incidents;

[Collection(BrowserCollection.Name)]
public sealed class ReportLostTerminalBrowserTests(BrowserFixture browser)
{
    // Also on PostgreSQL, production's database: there a page can render before its data arrives, which SQLite hides.
    [Theory, BothDatabases]
    public async Task An_owner_reports_a_stolen_terminal_locks_it_and_follows_the_incident_from_the_queue_and_the_device_page(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        var (merchant, storeId) = await portal.CreateMerchantAsync("Corner Shop", "CORNER-0001", "Corner Store");
        var owner = await portal.CreatePersonAsync("owner@corner.example", displayName: "Olive Owner");
        await portal.GrantRoleAsync(merchant.Id, owner.Id, MerchantRole.Owner);
        var deviceId = Guid.NewGuid();
        await using (var connection = await portal.GetService<IDbConnectionFactory>().OpenAsync())
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO devices (merchant_id, id, store_id, serial_number, status, tamper_state, check_in_interval_seconds, is_online, created_at, updated_at)
                VALUES (@merchantId, @deviceId, @storeId, 'SN-STOLEN-7', 1, 0, 300, @online, @now, @now)
                """, new { merchantId = merchant.Id, deviceId, storeId, online = false, now = DateTimeOffset.UtcNow });
        }

        await using var session = await browser.NewSessionAsync(portal.BaseAddress, withAuthenticator: false);
        // A fresh step-up on the session: the lock is confirmed without the key dialog (Accounts tests the dialog).
        await session.SignInAsync(portal, owner, freshStepUp: true);
        var page = session.Page;
        await page.GotoAsync("/incidents");
        await session.WaitForCircuitAsync();
        await Expect(page.GetByTestId("queue-empty")).ToBeVisibleAsync();
        await page.GetByTestId("report-incident").ClickAsync();
        await page.WaitForArrivalAsync("**/incidents/new");
        await session.WaitForCircuitAsync();

        // One merchant: it is chosen already; lost or stolen is the default type.
        await page.GetByTestId("report-devices").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "SN-STOLEN-7 (Active)" }).ClickAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(page.GetByLabel("Report these terminals lost or stolen and lock them at their next check-in")).ToBeCheckedAsync();
        await page.GetByTestId("report-submit").ClickAsync();
        await Expect(page.GetByText("A title is required.")).ToBeVisibleAsync();
        await page.GetByLabel("Title").FillAsync("Terminal stolen from the counter");
        await page.GetByLabel("What happened").FillAsync("Taken during the lunch rush; police report filed.");
        await page.GetByTestId("report-submit").ClickAsync();

        await page.WaitForArrivalAsync(new System.Text.RegularExpressions.Regex("/incidents/[0-9a-f-]{36}$"));
        await Expect(page.GetByTestId("incident-status")).ToHaveTextAsync("New");
        await Expect(page.GetByTestId("timeline-entry").Last).ToContainTextAsync("terminal SN-STOLEN-7 reported lost or stolen; lock requested");
        await using (var connection = await portal.GetService<IDbConnectionFactory>().OpenAsync())
        {
            Assert.Equal(3L, await connection.ExecuteScalarAsync<long>("SELECT status FROM devices WHERE id = @deviceId", new { deviceId }));
        }

        // From the incident, a linked terminal is locked after a confirmation (the step-up is fresh).
        await page.GetByTestId("device-lock").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Lock", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("timeline-entry").Last).ToContainTextAsync("lock requested for terminal SN-STOLEN-7");

        // Owners follow and comment; triage is the support team's.
        await Expect(page.GetByTestId("transition-triage")).ToHaveCountAsync(0);
        await page.GetByLabel("Comment").FillAsync("Serial number given to the police.");
        await page.GetByTestId("comment-submit").ClickAsync();
        await Expect(page.GetByTestId("timeline-entry").Last).ToContainTextAsync("Serial number given to the police.");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "incident-owner.png"), FullPage = true });

        await page.GotoAsync("/incidents");
        await Expect(page.GetByTestId("incident-link")).ToHaveCountAsync(1);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "incident-queue.png"), FullPage = true });

        await page.GotoAsync($"/devices/{deviceId}");
        await Expect(page.GetByTestId("device-incidents")).ToContainTextAsync("Terminal stolen from the counter");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "incident-device.png"), FullPage = true });

        await page.GotoAsync("/");
        await Expect(page.GetByTestId("incidents-card-sev3")).ToHaveTextAsync("1");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "incident-dashboard.png"), FullPage = true });
        await page.GotoAsync("/incidents/metrics");
        await Expect(page.GetByTestId("metrics-total")).ToHaveTextAsync("1");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "incident-metrics.png"), FullPage = true });
    }
}
