using AdminPortal.BrowserTests.TestSupport;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using Dapper;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AdminPortal.BrowserTests.Incidents;

[Collection(BrowserCollection.Name)]
public sealed class EscalateAndCloseBrowserTests(BrowserFixture browser)
{
    // Also on PostgreSQL, production's database: there a page can render before its data arrives, which SQLite hides.
    [Theory, BothDatabases]
    public async Task A_support_agent_escalates_a_fraud_alert_into_an_incident_takes_it_and_closes_it_while_an_admin_watches_live(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        var (merchant, storeId) = await portal.CreateMerchantAsync("Browser Merchant", "BROWSER-0001", "Browser Store");
        var agent = await portal.CreatePersonAsync("agent@provider.example", displayName: "Sam Support");
        await portal.GrantRoleAsync(merchant.Id, agent.Id, MerchantRole.SupportAgent);
        var admin = await portal.CreatePersonAsync("admin@provider.example", platformAdmin: true, displayName: "Ada Admin");
        var alertId = await FraudAlertAsync(portal, merchant.Id, storeId);

        await using var session = await browser.NewSessionAsync(portal.BaseAddress, withAuthenticator: false);
        await session.SignInAsync(portal, agent);
        var page = session.Page;
        await page.GotoAsync($"/fraud/alerts/{alertId}");
        await session.WaitForCircuitAsync();

        // Escalate: choose the severity, confirm; the incident page opens, linked to the alert and its terminal.
        await page.GetByTestId("escalate-alert").GetByRole(AriaRole.Button).ClickAsync();
        await page.GetByTestId("escalate-sev2").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Escalate", Exact = true }).ClickAsync();
        await page.WaitForArrivalAsync(new System.Text.RegularExpressions.Regex("/incidents/[0-9a-f-]{36}$"));
        var incidentUrl = page.Url;
        await Expect(page.GetByTestId("incident-status")).ToHaveTextAsync("New");
        await Expect(page.GetByTestId("incident-severity")).ToHaveTextAsync("SEV2");
        await Expect(page.GetByTestId("incident-links")).ToContainTextAsync("fraud alert FA-");
        await Expect(page.GetByTestId("incident-links")).ToContainTextAsync("terminal SN-BROWSER-1");
        await Expect(page.GetByTestId("sla-acknowledge-state")).ToHaveAttributeAsync("data-state", "OnTrack");

        // A platform admin has the same incident open: it changing hands shows there without a reload.
        await using var watcher = await browser.NewSessionAsync(portal.BaseAddress, withAuthenticator: false);
        await watcher.SignInAsync(portal, admin);
        await watcher.Page.GotoAsync(incidentUrl);
        await watcher.WaitForCircuitAsync();
        await Expect(watcher.Page.GetByTestId("incident-assignee")).ToHaveTextAsync("Unassigned");

        await session.WaitForCircuitAsync();
        await page.GetByTestId("assign-to-me").ClickAsync();
        await Expect(page.GetByTestId("incident-assignee")).ToHaveTextAsync("Sam Support");
        await Expect(watcher.Page.GetByTestId("incident-assignee")).ToHaveTextAsync("Sam Support");
        await Expect(page.GetByTestId("sla-acknowledge-state")).ToHaveAttributeAsync("data-state", "Met");

        await page.GetByTestId("transition-triage").ClickAsync();
        await page.GetByLabel("Note for the timeline (optional)").FillAsync("Card-testing pattern; terminal looks fine.");
        await page.GetByTestId("transition-submit").ClickAsync();
        await Expect(page.GetByTestId("incident-status")).ToHaveTextAsync("Triage");

        // Closing asks for both fields; without them the dialog stays open.
        await page.GetByTestId("transition-closed").ClickAsync();
        await page.GetByTestId("transition-submit").ClickAsync();
        await Expect(page.GetByText("A resolution summary is required.")).ToBeVisibleAsync();
        await page.GetByLabel("Resolution summary (required)").FillAsync("Card blocked with the issuer; refunds reversed.");
        await page.GetByLabel("Root cause (required)").FillAsync("Stolen card numbers tested at the counter.");
        await page.GetByTestId("transition-submit").ClickAsync();

        await Expect(page.GetByTestId("incident-status")).ToHaveTextAsync("Closed");
        await Expect(page.GetByTestId("incident-root-cause")).ToHaveTextAsync("Stolen card numbers tested at the counter.");
        await Expect(watcher.Page.GetByTestId("incident-status")).ToHaveTextAsync("Closed");
        await Expect(page.GetByTestId("timeline-entry")).ToHaveCountAsync(6);
        await Expect(page.GetByTestId("timeline-entry").Last).ToContainTextAsync("moved it from Triage to Closed");
        await Expect(page.GetByTestId("transition-reopen")).ToHaveTextAsync("Reopen");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "incident-closed.png"), FullPage = true });

        // Back on the alert, the action now leads to the incident instead of escalating again.
        await page.GotoAsync($"/fraud/alerts/{alertId}");
        await Expect(page.GetByTestId("alert-incident")).ToContainTextAsync("Incident INC-");
    }

    /// <summary>A terminal and an open fraud alert on it, inserted directly: scoring is the Fraud slice's and tested there.</summary>
    private static async Task<Guid> FraudAlertAsync(PortalHost portal, Guid merchantId, Guid storeId)
    {
        var deviceId = Guid.NewGuid();
        var alertId = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        await using var connection = await portal.GetService<IDbConnectionFactory>().OpenAsync();
        await connection.ExecuteAsync(
            """
            INSERT INTO devices (merchant_id, id, store_id, serial_number, status, tamper_state, check_in_interval_seconds, is_online, created_at, updated_at)
            VALUES (@merchantId, @deviceId, @storeId, 'SN-BROWSER-1', 1, 0, 300, @online, @now, @now)
            """, new { merchantId, deviceId, storeId, online = false, now });
        await connection.ExecuteAsync(
            """
            INSERT INTO fraud_alerts (merchant_id, id, status, severity, score, device_id, store_id, card_token, bin, last4, rules, summary, hit_count,
                                      first_event_at, last_event_at, opened_at, updated_at)
            VALUES (@merchantId, @alertId, 0, 2, 120, @deviceId, @storeId, 'tok_card', '411111', '4242', ',card-testing,', 'Card testing at the counter', 3,
                    @now, @now, @now, @now)
            """, new { merchantId, alertId, deviceId, storeId, now });
        return alertId;
    }
}
