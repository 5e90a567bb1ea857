using AdminPortal.BrowserTests.Accounts;
using AdminPortal.BrowserTests.TestSupport;
using AdminPortal.Features.Devices.Simulator;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AdminPortal.BrowserTests.Devices;

[Collection(BrowserCollection.Name)]
public sealed class DeviceLockBrowserTests(BrowserFixture browser)
{
    // Also on PostgreSQL, production's database: there a page can render before its data arrives, which SQLite hides.
    [Theory, BothDatabases]
    public async Task A_merchant_owner_locks_a_terminal_and_the_open_page_shows_it_locked_once_the_terminal_checks_in(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        var (merchant, storeId) = await portal.CreateMerchantAsync("Corner Bakery", "MB-LOCK-1");
        await using var session = await browser.NewSessionAsync(portal.BaseAddress);
        var owner = await session.EnrollThroughLinkAsync(portal, "owner@bakery.example");
        await portal.GrantRoleAsync(merchant.Id, owner.Id, MerchantRole.Owner);
        // A later session whose key assertion is not fresh: locking must ask for the key again.
        await session.ForgetSessionAsync();
        await session.SignInAsync(portal, owner, freshStepUp: false);

        // A simulated terminal speaking the real device API over HTTP.
        using var http = new HttpClient { BaseAddress = portal.BaseAddress };
        var settings = new SimulationSettings(merchant.Id, storeId, 1, "BAKERY-", TamperRate: 0, RoamRate: 0);
        var terminal = (await portal.GetService<TerminalSimulation>().EnrollAsync(http, settings, CancellationToken.None)).Single();
        await terminal.CheckInAsync(0, 0, CancellationToken.None);

        var page = session.Page;
        await page.GotoAsync($"/devices/{terminal.DeviceId}");
        await session.WaitForCircuitAsync();
        await Expect(page.GetByTestId("device-serial")).ToHaveTextAsync(terminal.SerialNumber);
        await Expect(page.GetByTestId("device-status")).ToHaveTextAsync("active");

        await page.GetByTestId("action-lock").ClickAsync();
        var confirmation = page.GetByRole(AriaRole.Dialog);
        await Expect(confirmation).ToContainTextAsync("receives the lock command at its next check-in");
        await confirmation.GetByRole(AriaRole.Button, new() { Name = "Lock", Exact = true }).ClickAsync();
        var stepUp = page.GetByRole(AriaRole.Dialog).Filter(new() { HasText = "needs a fresh confirmation" });
        await stepUp.GetByRole(AriaRole.Button, new() { Name = "Use security key" }).ClickAsync();

        // Queued, not yet applied: the terminal has not been told.
        var commands = page.GetByTestId("device-commands");
        await Expect(commands.GetByTestId("command-status")).ToHaveTextAsync("queued");
        await Expect(page.GetByTestId("device-status")).ToHaveTextAsync("active");
        Assert.False(terminal.Locked);

        // The terminal checks in, receives the command, obeys and acknowledges it; the open page follows without reload.
        await terminal.CheckInAsync(0, 0, CancellationToken.None);

        Assert.True(terminal.Locked);
        await Expect(commands.GetByTestId("command-status")).ToHaveTextAsync("succeeded");
        await Expect(page.GetByTestId("device-status")).ToHaveTextAsync("locked");
        await Expect(page.GetByTestId("action-unlock")).ToBeVisibleAsync();
    }
}
