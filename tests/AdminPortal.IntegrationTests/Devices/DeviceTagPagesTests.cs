using AdminPortal.Features.Devices;
using AdminPortal.Features.Devices.Tags;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;

namespace AdminPortal.IntegrationTests.Devices;

/// <summary>Device tags on the served pages (prerendered HTML) and in the CSV export.</summary>
public sealed class DeviceTagPagesTests
{
    [Theory, BothDatabases]
    public async Task The_device_page_shows_the_tags_to_readers_and_the_tag_field_to_owners_only(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var terminal = await api.EnrollAsync("SN-TAGS-1");
        var untagged = await api.EnrollAsync("SN-TAGS-2");
        await api.Portal.GetService<DeviceTagService>().AddAsync(DeviceApiHarness.Admin, DeviceActor.CommandLine, terminal.DeviceId, "drive-thru");
        var officer = await api.Portal.CreatePersonAsync("officer@tags.example");
        await api.Portal.GrantRoleAsync(api.Merchant.Id, officer.Id, MerchantRole.ComplianceOfficer);
        var owner = await api.Portal.CreatePersonAsync("owner@tags.example");
        await api.Portal.GrantRoleAsync(api.Merchant.Id, owner.Id, MerchantRole.Owner);
        using var asOfficer = await api.Portal.SignedInClientAsync(officer);
        using var asOwner = await api.Portal.SignedInClientAsync(owner);

        var officerPage = await asOfficer.GetStringAsync($"/devices/{terminal.DeviceId}");
        var ownerPage = await asOwner.GetStringAsync($"/devices/{terminal.DeviceId}");
        var emptyPage = await asOwner.GetStringAsync($"/devices/{untagged.DeviceId}");

        Assert.Contains("drive-thru", officerPage);
        Assert.DoesNotContain("device-tag-input", officerPage);
        Assert.Contains("device-tag-input", ownerPage);
        Assert.Contains("Add a tag", ownerPage);
        Assert.Contains("device-tags-empty", emptyPage);

        var csv = await asOwner.GetStringAsync("/devices/export.csv?tag=Drive-Thru");
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["SN-TAGS-1"], lines.Skip(1).Select(l => l.Split(',')[0]));
    }
}
