using AdminPortal.Features.Devices;
using AdminPortal.Features.Devices.Bulk;
using AdminPortal.Features.Merchants;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using AdminPortal.IntegrationTests.Devices;
using AdminPortal.Testing;
using AngleSharp.Html.Parser;

namespace AdminPortal.IntegrationTests.Merchants;

/// <summary>
/// The merchant a browser remembers from the app-bar switcher (its cookie) already narrows the served page, so the
/// wider scope never shows before the circuit starts, and the CSV export follows the same choice; a merchant outside
/// the person's scope in that cookie is ignored, never widening anything.
/// </summary>
public sealed class RememberedMerchantTests
{
    [Theory, BothDatabases]
    public async Task The_remembered_merchant_narrows_the_prerendered_page_and_the_export_and_a_foreign_one_is_ignored(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        await api.EnrollAsync("SN-HOME-1");
        var directory = api.Portal.GetService<MerchantDirectory>();
        var (books, booksStore) = await DeviceApiHarness.AddMerchantAsync(directory, "BOOKS");
        var (foreign, foreignStore) = await DeviceApiHarness.AddMerchantAsync(directory, "FOREIGN");
        var expected = api.Portal.GetService<ExpectedDevices>();
        await expected.RegisterAsync(DeviceApiHarness.Admin, DeviceActor.CommandLine, books.Id, booksStore.Id, ["SN-BOOKS-1"]);
        await expected.RegisterAsync(DeviceApiHarness.Admin, DeviceActor.CommandLine, foreign.Id, foreignStore.Id, ["SN-FOREIGN-1"]);
        var olive = await api.Portal.CreatePersonAsync("olive@two.example", displayName: "Olive Owner");
        await api.Portal.GrantRoleAsync(api.Merchant.Id, olive.Id, MerchantRole.Owner);
        await api.Portal.GrantRoleAsync(books.Id, olive.Id, MerchantRole.Owner);

        using var rememberingBooks = await api.Portal.SignedInClientAsync(olive, browserCookies: Remembering(books.Id));
        var page = await PageContentAsync(rememberingBooks, "/merchants");
        Assert.Contains(books.Name, page);
        Assert.DoesNotContain(api.Merchant.Name, page);
        Assert.Equal(["SN-BOOKS-1"], await ExportedSerialsAsync(rememberingBooks));
        Assert.Equal(books.Name, await SwitcherShowsAsync(rememberingBooks, "/merchants"));

        // A merchant the person holds no role in (a stale or forged cookie): the whole scope, and nothing of that merchant.
        using var rememberingForeign = await api.Portal.SignedInClientAsync(olive, browserCookies: Remembering(foreign.Id));
        var widened = await PageContentAsync(rememberingForeign, "/merchants");
        Assert.Contains(books.Name, widened);
        Assert.Contains(api.Merchant.Name, widened);
        Assert.DoesNotContain(foreign.Name, widened);
        Assert.Equal(["SN-BOOKS-1", "SN-HOME-1"], await ExportedSerialsAsync(rememberingForeign));

        // Nothing remembered: the whole scope, as before any choice.
        using var fresh = await api.Portal.SignedInClientAsync(olive);
        Assert.Equal(["SN-BOOKS-1", "SN-HOME-1"], await ExportedSerialsAsync(fresh));
    }

    private static Dictionary<string, string> Remembering(Guid merchantId) => new() { [RememberedMerchantCookie.Name] = merchantId.ToString() };

    private static async Task<string> PageContentAsync(HttpClient client, string path)
    {
        var document = new HtmlParser().ParseDocument(await client.GetStringAsync(path));
        return document.QuerySelector(".page-content")?.TextContent ?? throw new InvalidOperationException($"{path} has no page content.");
    }

    /// <summary>The merchant the prerendered switcher shows as selected (its options also list the person's roles).</summary>
    private static async Task<string?> SwitcherShowsAsync(HttpClient client, string path)
    {
        var document = new HtmlParser().ParseDocument(await client.GetStringAsync(path));
        return document.QuerySelector("[data-testid=merchant-switcher] option[selected]")?.TextContent.Split(" · ")[0];
    }

    private static async Task<string[]> ExportedSerialsAsync(HttpClient client) =>
        [.. (await client.GetStringAsync("/devices/export.csv")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')[0]).Order()];
}
