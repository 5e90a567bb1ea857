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
        var scopes = new TestScopeProvider();
        await using var api = await StartAsync(provider, scopes);
        var terminal = await api.EnrollAsync("SN-PAGE-1");
        await terminal.CheckInAsync(DeviceApiHarness.CheckInBody(tamper: "tampered"));
        await api.Portal.GetService<DeviceCommandService>().IssueAsync(DeviceApiHarness.Admin, DeviceActor.CommandLine, terminal.DeviceId, DeviceCommandType.Lock);
        var (other, _) = await DeviceApiHarness.AddMerchantAsync(api.Portal.GetService<MerchantDirectory>(), "B");

        scopes.Current = new AccessScope(Guid.NewGuid(), false, [new MerchantGrant(api.Merchant.Id, MerchantRole.ComplianceOfficer)]);
        var mine = await api.Client.GetStringAsync($"/devices/{terminal.DeviceId}");
        scopes.Current = new AccessScope(Guid.NewGuid(), false, [new MerchantGrant(other.Id, MerchantRole.Owner)]);
        var foreign = await api.Client.GetStringAsync($"/devices/{terminal.DeviceId}");

        Assert.Contains("SN-PAGE-1", mine);
        Assert.Contains("Tamper reported", mine);
        Assert.Contains("queued", mine);
        Assert.DoesNotContain("action-wipe", mine); // a compliance officer reads, does not act
        Assert.Contains("Device not found", foreign);
        Assert.DoesNotContain("SN-PAGE-1", foreign);
    }

    [Theory, BothDatabases]
    public async Task The_csv_export_holds_only_the_scoped_filtered_devices(DatabaseProvider provider)
    {
        var scopes = new TestScopeProvider();
        await using var api = await StartAsync(provider, scopes);
        await api.EnrollAsync("SN-A-1");
        await api.EnrollAsync("SN-A-2");
        var directory = api.Portal.GetService<MerchantDirectory>();
        var (other, otherStore) = await DeviceApiHarness.AddMerchantAsync(directory, "B");
        await api.Portal.GetService<AdminPortal.Features.Devices.Bulk.ExpectedDevices>()
            .RegisterAsync(DeviceApiHarness.Admin, DeviceActor.CommandLine, other.Id, otherStore.Id, ["SN-B-1"]);

        scopes.Current = new AccessScope(Guid.NewGuid(), false, [new MerchantGrant(api.Merchant.Id, MerchantRole.Owner)]);
        var all = await api.Client.GetAsync("/devices/export.csv");
        var filtered = await api.Client.GetStringAsync("/devices/export.csv?search=sn-a-2");

        Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        Assert.Equal("text/csv", all.Content.Headers.ContentType?.MediaType);
        var lines = (await all.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("serialNumber,merchant,store", lines[0]);
        Assert.Equal(["SN-A-1", "SN-A-2"], lines.Skip(1).Select(l => l.Split(',')[0]));
        Assert.Equal(2, filtered.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("SN-A-2", filtered);
    }

    [Theory, BothDatabases]
    public async Task Without_a_scope_provider_the_pages_fail_closed(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var terminal = await api.EnrollAsync("SN-CLOSED");

        var page = await api.Client.GetStringAsync($"/devices/{terminal.DeviceId}");
        var csv = await api.Client.GetStringAsync("/devices/export.csv");
        var dashboard = await api.Client.GetAsync("/");

        Assert.Contains("Device not found", page);
        Assert.DoesNotContain("SN-CLOSED", csv);
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
    }

    private static Task<DeviceApiHarness> StartAsync(DatabaseProvider provider, TestScopeProvider scopes) =>
        DeviceApiHarness.StartAsync(provider, configureServices: services => services.TryAddSingleton<IAccessScopeProvider>(scopes));
}
