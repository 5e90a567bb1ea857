using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using AdminPortal.BrowserTests.TestSupport;
using AdminPortal.Features.Devices;
using AdminPortal.Features.Devices.Api;
using AdminPortal.Features.Devices.Enrollment;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AdminPortal.BrowserTests.Fraud;

[Collection(BrowserCollection.Name)]
public sealed class FraudQueueBrowserTests(BrowserFixture browser)
{
    // Also on PostgreSQL, production's database: there a page can render before its data arrives, which SQLite hides.
    [Theory, BothDatabases]
    public async Task An_alert_raised_through_the_transactions_api_appears_in_the_open_queue_without_reload_and_its_terminal_can_be_locked(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        var (merchant, storeId) = await portal.CreateMerchantAsync("Night Kiosk", "MB-FRAUD-1");
        var analyst = await portal.CreatePersonAsync("analyst@kiosk.example");
        await portal.GrantRoleAsync(merchant.Id, analyst.Id, MerchantRole.Owner);
        await using var session = await browser.NewSessionAsync(portal.BaseAddress, withAuthenticator: false);
        // A key assertion moments ago (as right after signing in): locking the terminal asks for no new one.
        await session.SignInAsync(portal, analyst, freshStepUp: true);
        using var terminal = await EnrollTerminalAsync(portal, merchant.Id, storeId);

        var page = session.Page;
        await page.GotoAsync("/fraud");
        await session.WaitForCircuitAsync();
        await Expect(page.GetByTestId("queue-empty")).ToBeVisibleAsync();

        // The same card six times in six minutes: card velocity opens an alert.
        var start = DateTimeOffset.UtcNow.AddMinutes(-10);
        var events = Enumerable.Range(0, 6).Select(i => new
        {
            eventId = $"kiosk-{i}", occurredAt = start.AddMinutes(i), type = "sale", amountMinor = 1_990L, currency = "GBP",
            cardToken = "tok_kiosk_card", bin = "411111", last4 = "1111", entryMode = "contactless", result = "approved", responseCode = "00",
        }).ToArray();
        var response = await terminal.PostAsJsonAsync("/api/v1/transactions", new { events });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        await Expect(page.GetByTestId("new-alerts")).ToContainTextAsync("1 new alert arrived");
        var rows = page.GetByTestId("alert-table").Locator("tbody tr").Filter(new() { Has = page.GetByTestId("alert-link") });
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync("•••• 1111");
        await Expect(rows.First).ToContainTextAsync("Night Kiosk");
        await Expect(page.GetByTestId("queue-empty")).ToHaveCountAsync(0);

        // From the alert, the analyst locks the terminal, giving a reason. The queue is a static page around its live
        // island, so the alert opens with a full page load: its buttons work once its own circuit runs.
        await rows.First.GetByTestId("alert-link").ClickAsync();
        await page.WaitForArrivalAsync(new Regex("/fraud/alerts/[0-9a-fA-F-]{36}$"));
        await session.WaitForCircuitAsync();
        await page.GetByTestId("lock-terminal").ClickAsync();
        await page.GetByLabel("Reason (required)").FillAsync("Six uses of one card in six minutes at night");
        await page.GetByTestId("decision-submit").ClickAsync();
        await Expect(page.GetByText("Lock queued: the terminal locks at its next check-in.")).ToBeVisibleAsync();
    }

    [Theory, BothDatabases]
    public async Task The_queue_filters_found_by_their_labels_narrow_it_and_its_pager_moves_through_it_from_the_keyboard(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        var (merchant, storeId) = await portal.CreateMerchantAsync("Corner Deli", "MB-FRAUD-2");
        using var terminal = await EnrollTerminalAsync(portal, merchant.Id, storeId);
        // Twelve bursts, two hours apart (further apart than the alert join window): each a card used six times in six
        // minutes, so card velocity opens twelve alerts.
        var start = DateTimeOffset.UtcNow.AddHours(-24);
        var events = Enumerable.Range(0, 12).SelectMany(card => Enumerable.Range(0, 6).Select(i => new
        {
            eventId = $"deli-{card}-{i}", occurredAt = start.AddHours(2 * card).AddMinutes(i), type = "sale", amountMinor = 990L, currency = "GBP",
            cardToken = $"tok_deli_{card}", bin = "411111", last4 = $"{card:0000}", entryMode = "contactless", result = "approved", responseCode = "00",
        })).ToArray();
        Assert.Equal(HttpStatusCode.Accepted, (await terminal.PostAsJsonAsync("/api/v1/transactions", new { events })).StatusCode);
        var analyst = await portal.CreatePersonAsync("analyst@deli.example");
        await portal.GrantRoleAsync(merchant.Id, analyst.Id, MerchantRole.Owner);
        await using var session = await browser.NewSessionAsync(portal.BaseAddress, withAuthenticator: false);
        await session.SignInAsync(portal, analyst);

        var page = session.Page;
        await page.GotoAsync("/fraud");
        await session.WaitForCircuitAsync();
        var rows = page.GetByTestId("alert-table").Locator("tbody tr").Filter(new() { Has = page.GetByTestId("alert-link") });
        var range = page.Locator(".mud-table-page-number-information");
        await Expect(range).ToHaveTextAsync(new Regex(@"^1-\d+ of (1[2-9]|[2-9]\d)$"));
        var total = int.Parse((await range.TextContentAsync())!.Split(" of ")[1]);

        // A status no alert has: the empty state; back to open alerts: the rows again.
        var status = page.GetByLabel("Status");
        await status.FocusAsync();
        await status.SelectOptionAsync(new SelectOptionValue { Label = "Confirmed fraud" });
        await Expect(page.GetByTestId("queue-empty")).ToBeVisibleAsync();
        await Expect(rows).ToHaveCountAsync(0);
        await status.SelectOptionAsync(new SelectOptionValue { Label = "Open" });
        await Expect(rows).ToHaveCountAsync(Math.Min(25, total));

        // Ten a page: the pager counts them and moves on from the keyboard.
        await page.GetByLabel("Rows per page:").SelectOptionAsync("10");
        await Expect(range).ToHaveTextAsync($"1-10 of {total}");
        await Expect(rows).ToHaveCountAsync(10);
        var firstOnPageOne = (await rows.First.GetByTestId("alert-link").TextContentAsync())!;
        await page.GetByRole(AriaRole.Button, new() { Name = "Next page" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(range).ToHaveTextAsync($"11-{Math.Min(20, total)} of {total}");
        await Expect(rows).ToHaveCountAsync(Math.Min(10, total - 10));
        await Expect(rows.First.GetByTestId("alert-link")).Not.ToHaveTextAsync(firstOnPageOne);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Next page" })).ToBeDisabledAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "First page" }).ClickAsync();
        await Expect(range).ToHaveTextAsync($"1-10 of {total}");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Previous page" })).ToBeDisabledAsync();
        // The selects show what was chosen (their options are shared markup; the chosen one is marked).
        await Expect(status).ToHaveValueAsync("Open");
        await Expect(page.GetByLabel("Rows per page:")).ToHaveValueAsync("10");

        // On a narrow screen each cell shows its column's name before its value (from the stylesheet, by column).
        await page.SetViewportSizeAsync(420, 900);
        Assert.Equal("\"Score\"", await rows.First.Locator("td").Nth(2).EvaluateAsync<string>("td => getComputedStyle(td, '::before').content"));
        Assert.Equal("\"Assignee\"", await rows.First.Locator("td").Nth(9).EvaluateAsync<string>("td => getComputedStyle(td, '::before').content"));
        await page.SetViewportSizeAsync(1280, 900);

        // A click anywhere on a row, not only on its link, opens the alert.
        var reference = (await rows.First.GetByTestId("alert-link").TextContentAsync())!;
        await rows.First.Locator("td").Nth(2).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/fraud/alerts/[0-9a-fA-F-]{36}$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = reference })).ToBeVisibleAsync();
    }

    [Theory, BothDatabases]
    public async Task The_queue_page_is_static_around_its_live_island_and_its_shell_and_the_pages_around_it_still_work(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        var (bakery, bakeryStore) = await portal.CreateMerchantAsync("Corner Bakery", "MB-FRAUD-3");
        var (books, booksStore) = await portal.CreateMerchantAsync("River Books", "MB-FRAUD-4");
        using var bakeryTerminal = await EnrollTerminalAsync(portal, bakery.Id, bakeryStore);
        using var booksTerminal = await EnrollTerminalAsync(portal, books.Id, booksStore);
        await RaiseAlertAsync(booksTerminal, "books-0", "2222");
        var olive = await portal.CreatePersonAsync("olive@bakery.example", displayName: "Olive Owner");
        await portal.GrantRoleAsync(bakery.Id, olive.Id, MerchantRole.Owner);
        await portal.GrantRoleAsync(books.Id, olive.Id, MerchantRole.Owner);
        await using var session = await browser.NewSessionAsync(portal.BaseAddress, withAuthenticator: false);
        await session.SignInAsync(portal, olive);
        var page = session.Page;
        var rows = page.GetByTestId("alert-table").Locator("tbody tr").Filter(new() { Has = page.GetByTestId("alert-link") });
        var shell = page.Locator("[data-static-shell]");

        // Reached from an interactive page through the portal's router: a full page load into the static page.
        await page.GotoAsync("/");
        await session.WaitForCircuitAsync();
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" }).GetByRole(AriaRole.Link, new() { Name = "Fraud alerts" }).ClickAsync();
        await page.WaitForArrivalAsync("**/fraud");
        await Expect(shell).ToHaveCountAsync(1);
        await session.WaitForCircuitAsync();
        await Expect(page).ToHaveTitleAsync("Fraud alerts · Merchant Security Admin Portal");
        await Expect(rows).ToHaveCountAsync(1);

        // The island takes a new alert live; the static shell around it stays as it is.
        await RaiseAlertAsync(bakeryTerminal, "bakery-0", "1111");
        await Expect(page.GetByTestId("new-alerts")).ToContainTextAsync("1 new alert arrived");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(page.Locator(".mud-snackbar")).ToContainTextAsync(new Regex(@"New \w+ fraud alert"));

        // The drawer toggle (js/portal.js) closes and opens the navigation, from the keyboard too.
        var menu = page.GetByRole(AriaRole.Button, new() { Name = "Toggle navigation" });
        await menu.ClickAsync();
        await Expect(menu).ToHaveAttributeAsync("aria-expanded", "false");
        await Expect(page.Locator("aside#main-navigation")).ToHaveClassAsync(new Regex("mud-drawer--closed"));
        await menu.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(menu).ToHaveAttributeAsync("aria-expanded", "true");
        await Expect(page.Locator("aside#main-navigation")).ToHaveClassAsync(new Regex("mud-drawer--open"));

        // The theme toggle switches the page and remembers the choice; its hint follows.
        var theme = page.GetByTestId("theme-toggle");
        await Expect(theme).ToHaveAttributeAsync("title", "Switch to dark theme");
        await theme.ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
        await Expect(theme).ToHaveAttributeAsync("title", "Switch to light theme");
        Assert.Equal("dark", await page.EvaluateAsync<string>("() => localStorage.getItem('portal-theme')"));
        await theme.ClickAsync();
        await Expect(page.Locator("html")).Not.ToHaveAttributeAsync("data-theme", "dark");

        // The account menu opens as on every page.
        var account = page.GetByRole(AriaRole.Button, new() { Name = "Olive Owner" });
        await account.ClickAsync();
        await Expect(page.GetByTestId("account-menu").GetByRole(AriaRole.Link, new() { Name = "My security keys" })).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");

        // The merchant switcher keeps the choice in its cookie and loads the page again, for that merchant only.
        // (The queue's merchant filter is labelled "Merchant" too.)
        var switcher = page.GetByTestId("merchant-switcher").GetByLabel("Merchant", new() { Exact = true });
        await SwitchAndWaitForReloadAsync(page, "River Books · merchant owner");
        await Expect(switcher.Locator("option:checked")).ToHaveTextAsync("River Books · merchant owner");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync("•••• 2222");
        Assert.Contains(await page.Context.CookiesAsync(), c => c.Name == RememberedMerchantCookie.Name && c.Value == books.Id.ToString());
        // Live arrivals follow the focus: another merchant's new alert does not show.
        await RaiseAlertAsync(bakeryTerminal, "bakery-1", "3333", hoursAgo: 6);
        await RaiseAlertAsync(booksTerminal, "books-1", "4444", hoursAgo: 6);
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("alert-table")).Not.ToContainTextAsync("•••• 3333");
        await SwitchAndWaitForReloadAsync(page, "All merchants");
        await Expect(switcher.Locator("option:checked")).ToHaveTextAsync("All merchants");
        await Expect(rows).ToHaveCountAsync(4);

        // Out of the static page to interactive ones (devices, then a device), and back with the browser's history.
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" }).GetByRole(AriaRole.Link, new() { Name = "Devices" }).ClickAsync();
        await page.WaitForArrivalAsync("**/devices");
        await session.WaitForCircuitAsync();
        await Expect(shell).ToHaveCountAsync(0);
        // A loaded row (the table's loading and empty rows hold no serial number), once the table stopped loading (a
        // click on a row it is about to replace can be lost).
        var deviceRow = page.GetByTestId("device-table").Locator("tbody tr").Filter(new() { HasText = "KIOSK-0001" }).First;
        await deviceRow.WaitForAsync();
        await Expect(page.GetByTestId("device-table").Locator(".mud-table-loading")).ToHaveCountAsync(0);
        // A click on a cell that is not the row's link (the model): the browser follows the row's link.
        await deviceRow.Locator("td").Nth(2).ClickAsync();
        await page.WaitForArrivalAsync(new Regex("/devices/[0-9a-fA-F-]{36}$"));
        await Expect(page.GetByTestId("device-serial")).ToHaveTextAsync("KIOSK-0001");
        await page.GoBackAsync();
        await page.WaitForArrivalAsync("**/devices");
        await page.GoBackAsync();
        await page.WaitForArrivalAsync("**/fraud");
        await Expect(shell).ToHaveCountAsync(1);
        await Expect(rows).ToHaveCountAsync(4);
        await session.WaitForCircuitAsync();
        // Still live after coming back.
        await RaiseAlertAsync(booksTerminal, "books-2", "5555", hoursAgo: 12);
        await Expect(page.GetByTestId("alert-table")).ToContainTextAsync("•••• 5555");

        // On a narrow screen the drawer starts closed, as the interactive shell's does.
        await page.SetViewportSizeAsync(420, 900);
        await page.ReloadAsync();
        await Expect(page.Locator("aside#main-navigation")).ToHaveClassAsync(new Regex("mud-drawer--closed"));
        await Expect(menu).ToHaveAttributeAsync("aria-expanded", "false");
    }

    /// <summary>Chooses a merchant in the static shell's switcher and waits for the page it loads again to run its island.</summary>
    private static async Task SwitchAndWaitForReloadAsync(IPage page, string label)
    {
        await page.EvaluateAsync("() => { window.beforeSwitch = true; }");
        await page.GetByTestId("merchant-switcher").GetByLabel("Merchant", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = label });
        await page.WaitForFunctionAsync("() => !window.beforeSwitch && document.documentElement.dataset.interactive === 'true'");
    }

    /// <summary>The same card six times in six minutes, <paramref name="hoursAgo"/> (further apart than the join window): card velocity opens an alert.</summary>
    private static async Task RaiseAlertAsync(HttpClient terminal, string prefix, string last4, int hoursAgo = 0)
    {
        var start = DateTimeOffset.UtcNow.AddHours(-hoursAgo).AddMinutes(-10);
        var events = Enumerable.Range(0, 6).Select(i => new
        {
            eventId = $"{prefix}-{i}", occurredAt = start.AddMinutes(i), type = "sale", amountMinor = 1_990L, currency = "GBP",
            cardToken = $"tok_{prefix}", bin = "411111", last4, entryMode = "contactless", result = "approved", responseCode = "00",
        }).ToArray();
        Assert.Equal(HttpStatusCode.Accepted, (await terminal.PostAsJsonAsync("/api/v1/transactions", new { events })).StatusCode);
    }

    /// <summary>Enrolls a terminal through the device API and returns a client that sends its bearer secret.</summary>
    private static async Task<HttpClient> EnrollTerminalAsync(PortalHost portal, Guid merchantId, Guid storeId)
    {
        var code = (await portal.GetService<EnrollmentCodes>().CreateAsync(
            AccessScope.PlatformAdmin(Guid.NewGuid()), DeviceActor.CommandLine, merchantId, storeId, 1, 1)).Single().Code;
        var client = new HttpClient { BaseAddress = portal.BaseAddress };
        var enrolled = await client.PostAsJsonAsync("/api/v1/devices/enroll", new EnrollRequest(
            code, "KIOSK-0001", "A920", "PAX", "Android 11", "FW 2.1", "3.5.1"), DeviceRequestReader.Json);
        Assert.Equal(HttpStatusCode.Created, enrolled.StatusCode);
        var credential = (await enrolled.Content.ReadFromJsonAsync<EnrollResponse>(DeviceRequestReader.Json))!;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", credential.DeviceSecret);
        return client;
    }
}
