using System.Net.Http.Json;
using AdminPortal.Features.Devices;
using AdminPortal.Features.Devices.Api;
using AdminPortal.Features.Devices.Enrollment;
using AdminPortal.Features.Devices.Tags;
using AdminPortal.Features.Merchants;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Infrastructure.Validation;
using AdminPortal.Testing;
using Dapper;

namespace AdminPortal.IntegrationTests.Devices;

public sealed class DeviceTagTests
{
    [Theory, BothDatabases]
    public async Task Owners_and_support_agents_add_and_remove_tags_audited_and_others_cannot(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var terminal = await api.EnrollAsync();
        var (other, _) = await DeviceApiHarness.AddMerchantAsync(api.Portal.GetService<MerchantDirectory>(), "B");
        var tags = api.Portal.GetService<DeviceTagService>();
        var owner = new AccessScope(Guid.NewGuid(), false, [new MerchantGrant(api.Merchant.Id, MerchantRole.Owner)]);
        var agent = new AccessScope(Guid.NewGuid(), false, [new MerchantGrant(api.Merchant.Id, MerchantRole.SupportAgent)]);
        var officer = new AccessScope(Guid.NewGuid(), false, [new MerchantGrant(api.Merchant.Id, MerchantRole.ComplianceOfficer)]);
        var foreignOwner = new AccessScope(Guid.NewGuid(), false, [new MerchantGrant(other.Id, MerchantRole.Owner)]);
        var ada = new DeviceActor(owner.PersonId, "Ada Owner");

        Assert.Equal(["pilot"], await tags.AddAsync(owner, ada, terminal.DeviceId, "  Pilot "));
        Assert.Equal(["pilot"], await tags.AddAsync(owner, ada, terminal.DeviceId, "pilot"));
        Assert.Equal(["drive-thru", "pilot"], await tags.AddAsync(agent, new DeviceActor(agent.PersonId, "Sam Agent"), terminal.DeviceId, "drive-thru"));
        await Assert.ThrowsAsync<DeviceActionDeniedException>(() => tags.AddAsync(officer, DeviceActor.CommandLine, terminal.DeviceId, "audit"));
        await Assert.ThrowsAsync<DeviceNotFoundException>(() => tags.AddAsync(foreignOwner, DeviceActor.CommandLine, terminal.DeviceId, "mine"));
        await Assert.ThrowsAsync<DeviceNotFoundException>(() => tags.RemoveAsync(foreignOwner, DeviceActor.CommandLine, terminal.DeviceId, "pilot"));
        await Assert.ThrowsAsync<DeviceNotFoundException>(() => tags.AddAsync(owner, ada, Guid.NewGuid(), "pilot"));
        var invalid = await Assert.ThrowsAsync<InputValidationException>(() => tags.AddAsync(owner, ada, terminal.DeviceId, "front desk"));
        Assert.Contains("no spaces", invalid.Errors["Tag"].Single());

        // The foreign owner does not even read the tags; the officer reads them.
        Assert.Empty(await tags.ListAsync(foreignOwner, api.Merchant.Id, terminal.DeviceId));
        Assert.Equal(["drive-thru", "pilot"], await tags.ListAsync(officer, api.Merchant.Id, terminal.DeviceId));
        Assert.Equal(["drive-thru", "pilot"], (await api.Portal.GetService<DeviceDirectory>().GetAsync(officer, terminal.DeviceId))!.Tags);

        Assert.Equal(["pilot"], await tags.RemoveAsync(owner, ada, terminal.DeviceId, "Drive-Thru"));
        Assert.Equal(["pilot"], await tags.RemoveAsync(owner, ada, terminal.DeviceId, "never-there"));

        await using var connection = await api.Portal.GetService<IDbConnectionFactory>().OpenAsync();
        Assert.Equal(2L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'device.tag-added'"));
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'device.tag-removed'"));
        Assert.Equal("Ada Owner", await connection.ExecuteScalarAsync<string>("SELECT actor_name FROM audit_log WHERE action = 'device.tag-removed'"));
    }

    [Theory, BothDatabases]
    public async Task A_device_carries_at_most_ten_tags_and_the_eleventh_is_refused_with_nothing_lost(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var terminal = await api.EnrollAsync();
        var tags = api.Portal.GetService<DeviceTagService>();
        for (var i = 0; i < DeviceTagRules.MaxPerDevice; i++)
        {
            await tags.AddAsync(DeviceApiHarness.Admin, DeviceActor.CommandLine, terminal.DeviceId, $"tag-{i}");
        }

        var refused = await Assert.ThrowsAsync<InputValidationException>(() => tags.AddAsync(DeviceApiHarness.Admin, DeviceActor.CommandLine, terminal.DeviceId, "one-more"));
        Assert.Equal("A device has at most 10 tags: remove one first.", refused.Errors["Tag"].Single());
        Assert.Equal(DeviceTagRules.MaxPerDevice, (await tags.ListAsync(DeviceApiHarness.Admin, api.Merchant.Id, terminal.DeviceId)).Count);
    }

    [Theory, BothDatabases]
    public async Task The_device_list_filters_by_tag_within_the_scope(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var first = await api.EnrollAsync("SN-1");
        var second = await api.EnrollAsync("SN-2");
        await api.EnrollAsync("SN-3");
        var (other, otherStore) = await DeviceApiHarness.AddMerchantAsync(api.Portal.GetService<MerchantDirectory>(), "B");
        var code = (await api.Portal.GetService<EnrollmentCodes>()
            .CreateAsync(DeviceApiHarness.Admin, DeviceActor.CommandLine, other.Id, otherStore.Id, 1, 24)).Single().Code;
        var enrolled = await api.PostEnrollAsync(DeviceApiHarness.EnrollBody(code, "SN-B1"));
        var foreignDevice = (await enrolled.Content.ReadFromJsonAsync<EnrollResponse>())!.DeviceId;

        var tags = api.Portal.GetService<DeviceTagService>();
        foreach (var device in new[] { first.DeviceId, second.DeviceId, foreignDevice })
        {
            await tags.AddAsync(DeviceApiHarness.Admin, DeviceActor.CommandLine, device, "pilot");
        }

        await tags.AddAsync(DeviceApiHarness.Admin, DeviceActor.CommandLine, second.DeviceId, "drive-thru");
        var directory = api.Portal.GetService<DeviceDirectory>();
        var owner = new AccessScope(Guid.NewGuid(), false, [new MerchantGrant(api.Merchant.Id, MerchantRole.Owner)]);

        var pilots = await directory.SearchAsync(owner, new DeviceQuery { Tag = " PILOT ", Sort = DeviceSort.Serial, Descending = false });
        Assert.Equal(["SN-1", "SN-2"], pilots.Rows.Select(r => r.SerialNumber));
        Assert.Equal(2, pilots.Total);
        Assert.Equal(["SN-2"], (await directory.SearchAsync(owner, new DeviceQuery { Tag = "drive-thru", Model = "A920" })).Rows.Select(r => r.SerialNumber));
        Assert.Empty((await directory.SearchAsync(owner, new DeviceQuery { Tag = "unknown" })).Rows);
        Assert.Equal(3, (await directory.SearchAsync(DeviceApiHarness.Admin, new DeviceQuery { Tag = "pilot" })).Total);
        Assert.Empty((await directory.SearchAsync(owner, new DeviceQuery { Tag = "pilot", MerchantId = other.Id })).Rows);

        Assert.Equal(["drive-thru", "pilot"], await tags.ListMerchantTagsAsync(owner, api.Merchant.Id));
        Assert.Empty(await tags.ListMerchantTagsAsync(owner, other.Id));
        var inService = await directory.ListInServiceAsync(owner, api.Merchant.Id);
        Assert.Equal(["pilot", "drive-thru,pilot", ""], inService.Select(d => string.Join(",", d.Tags)));
    }
}
