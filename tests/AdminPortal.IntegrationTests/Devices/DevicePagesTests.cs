using System.Net;
using AdminPortal.Features.Devices;
using AdminPortal.Features.Devices.Commands;
using AdminPortal.Features.Merchants;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AdminPortal.IntegrationTests.Devices;

/// <summary>The device pages and CSV export as served (prerendered HTML), under different access scopes.</summary>
public sealed class DevicePagesTests
{
    [Theory, BothDatabases]
    public async Task The_device_page_shows_a_device_in_scope_and_not_found_outside_it(DatabaseProvider provider)
    {
        await using var api = await StartAsync(provider);
        var terminal = await api.EnrollAsync("SN-PAGE-1");
        await terminal.CheckInAsync(DeviceApiHarness.CheckInBody(tamper: "tampered"));
        await api.Portal.GetService<DeviceCommandService>().IssueAsync(DeviceApiHarness.Admin, DeviceActor.CommandLine, terminal.DeviceId, DeviceCommandType.Lock);
        var (other, _) = await DeviceApiHarness.AddMerchantAsync(api.Portal.GetService<MerchantDirectory>(), "B");

        var officer = await api.Portal.CreatePersonAsync("officer@a.example");
        await api.Portal.GrantRoleAsync(api.Merchant.Id, officer.Id, MerchantRole.ComplianceOfficer);
        var stranger = await api.Portal.CreatePersonAsync("owner@b.example");
        await api.Portal.GrantRoleAsync(other.Id, stranger.Id, MerchantRole.Owner);
        using var asOfficer = await api.Portal.SignedInClientAsync(officer);
        using var asStranger = await api.Portal.SignedInClientAsync(stranger);
        var mine = await asOfficer.GetStringAsync($"/devices/{terminal.DeviceId}");
        var foreignResponse = await asStranger.GetAsync($"/devices/{terminal.DeviceId}");
        var foreign = await foreignResponse.Content.ReadAsStringAsync();

        Assert.Contains("SN-PAGE-1", mine);
        Assert.Contains("Tamper reported", mine);
        Assert.Contains("queued", mine);
        Assert.DoesNotContain("action-wipe", mine); // a compliance officer reads, does not act
        Assert.Equal(HttpStatusCode.NotFound, foreignResponse.StatusCode);
        Assert.DoesNotContain("SN-PAGE-1", foreign);
    }

    [Theory, BothDatabases]
    public async Task The_csv_export_holds_only_the_scoped_filtered_devices(DatabaseProvider provider)
    {
        await using var api = await StartAsync(provider);
        await api.EnrollAsync("SN-A-1");
        await api.EnrollAsync("SN-A-2");
        var directory = api.Portal.GetService<MerchantDirectory>();
        var (other, otherStore) = await DeviceApiHarness.AddMerchantAsync(directory, "B");
        await api.Portal.GetService<AdminPortal.Features.Devices.Bulk.ExpectedDevices>()
            .RegisterAsync(DeviceApiHarness.Admin, DeviceActor.CommandLine, other.Id, otherStore.Id, ["SN-B-1"]);

        var owner = await api.Portal.CreatePersonAsync("owner@a.example");
        await api.Portal.GrantRoleAsync(api.Merchant.Id, owner.Id, MerchantRole.Owner);
        using var asOwner = await api.Portal.SignedInClientAsync(owner);
        var all = await asOwner.GetAsync("/devices/export.csv");
        var filtered = await asOwner.GetStringAsync("/devices/export.csv?search=sn-a-2");

        Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        Assert.Equal("text/csv", all.Content.Headers.ContentType?.MediaType);
        var lines = (await all.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("serialNumber,merchant,store", lines[0]);
        Assert.Equal(["SN-A-1", "SN-A-2"], lines.Skip(1).Select(l => l.Split(',')[0]));
        Assert.Equal(2, filtered.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("SN-A-2", filtered);
    }

    [Theory, BothDatabases]
    public async Task Without_sign_in_the_pages_and_the_export_send_to_sign_in(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var terminal = await api.EnrollAsync("SN-CLOSED");

        var page = await api.Client.GetAsync($"/devices/{terminal.DeviceId}");
        var csv = await api.Client.GetAsync("/devices/export.csv");

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, csv.StatusCode);
        Assert.DoesNotContain("SN-CLOSED", await csv.Content.ReadAsStringAsync());
    }

    private static Task<DeviceApiHarness> StartAsync(DatabaseProvider provider) => DeviceApiHarness.StartAsync(provider);
}
