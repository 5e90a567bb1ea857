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
public sealed class DeviceTagsBrowserTests(BrowserFixture browser)
{
    [Theory, BothDatabases]
    public async Task An_owner_tags_a_terminal_from_the_keyboard_sees_a_bad_tag_refused_and_removes_the_tag(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        var (merchant, storeId) = await portal.CreateMerchantAsync("Corner Bakery", "MB-TAGS-1");
        await using var session = await browser.NewSessionAsync(portal.BaseAddress);
        var owner = await session.EnrollThroughLinkAsync(portal, "owner@tags.example");
        await portal.GrantRoleAsync(merchant.Id, owner.Id, MerchantRole.Owner);
        using var http = new HttpClient { BaseAddress = portal.BaseAddress };
        var settings = new SimulationSettings(merchant.Id, storeId, 1, "TAGS-", TamperRate: 0, RoamRate: 0);
        var terminal = (await portal.GetService<TerminalSimulation>().EnrollAsync(http, settings, CancellationToken.None)).Single();

        var page = session.Page;
        await page.GotoAsync($"/devices/{terminal.DeviceId}");
        await session.WaitForCircuitAsync();
        await Expect(page.GetByTestId("device-tags-empty")).ToBeVisibleAsync();

        var field = page.GetByLabel("Add a tag");
        await field.FillAsync("front desk");
        await field.PressAsync("Enter");
        await Expect(page.GetByTestId("device-tags")).ToContainTextAsync("no spaces");
        await Expect(field).ToHaveValueAsync("front desk");

        await field.FillAsync(" Drive-Thru ");
        await field.PressAsync("Enter");
        await Expect(page.GetByTestId("device-tag")).ToHaveTextAsync("drive-thru");
        await Expect(field).ToHaveValueAsync("");

        await page.GetByTestId("device-tags").Locator(".mud-chip-close-button").ClickAsync();
        await Expect(page.GetByTestId("device-tags-empty")).ToBeVisibleAsync();
    }
}
