using System.Text.Json;
using AdminPortal.Features.Devices;
using AdminPortal.Features.Devices.Tags;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Features.Patching;
using AdminPortal.Infrastructure.Database;
using AdminPortal.IntegrationTests.Devices;
using AdminPortal.Testing;

namespace AdminPortal.IntegrationTests.Patching;

/// <summary>A policy targeting a device tag, end to end: tags set in the Devices slice, the check-in answer, compliance.</summary>
public sealed class TagTargetCheckInTests
{
    private static readonly AccessScope Platform = AccessScope.PlatformAdmin(Guid.NewGuid());

    [Theory, BothDatabases]
    public async Task Only_the_tagged_terminal_receives_the_tag_targeted_policy_and_only_it_counts_in_compliance(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var tagged = await api.EnrollAsync("SN-TAGGED");
        var untagged = await api.EnrollAsync("SN-PLAIN");
        await api.Portal.GetService<DeviceTagService>().AddAsync(DeviceApiHarness.Admin, DeviceActor.CommandLine, tagged.DeviceId, "Pilot");

        var definition = new PolicyDefinition(
            new PolicyTarget(false, [], [], ["pilot"]),
            [new ComponentRequirement(PatchComponent.Os, "12.0")],
            MaintenanceWindow.Anytime,
            new RolloutPlan([100m], TimeSpan.FromHours(24), 5m),
            DateTimeOffset.UtcNow.AddDays(30),
            GraceDays: 7,
            OverdueAction.BlockPayments);
        var policyId = await SimulatedRolloutTests.ActivateUnderFourEyesAsync(api, definition);

        var taggedAnswer = await tagged.CheckInAsync();
        var untaggedAnswer = await untagged.CheckInAsync();
        var policy = Assert.IsType<JsonElement>(taggedAnswer.PatchPolicy);
        Assert.Equal(policyId, policy.GetProperty("policyId").GetGuid());
        Assert.True(untaggedAnswer.PatchPolicy is null or JsonElement { ValueKind: JsonValueKind.Null });

        var overview = await api.Portal.GetService<PatchComplianceReports>().GetOverviewAsync(Platform, api.Merchant.Id);
        var merchant = Assert.Single(overview.Merchants);
        Assert.Equal((1, 1), (merchant.Counts.Total, merchant.DevicesWithoutPolicy));
        Assert.Equal(1, Assert.Single(overview.Rollouts).TargetedDevices);

        // Untagging takes the terminal out of the policy at its next check-in.
        await api.Portal.GetService<DeviceTagService>().RemoveAsync(DeviceApiHarness.Admin, DeviceActor.CommandLine, tagged.DeviceId, "pilot");
        Assert.True((await tagged.CheckInAsync()).PatchPolicy is null or JsonElement { ValueKind: JsonValueKind.Null });
    }

    [Theory, BothDatabases]
    public async Task The_policy_editor_offers_the_merchants_device_tags(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var terminal = await api.EnrollAsync("SN-EDITOR");
        var tags = api.Portal.GetService<DeviceTagService>();
        await tags.AddAsync(DeviceApiHarness.Admin, DeviceActor.CommandLine, terminal.DeviceId, "drive-thru");
        await tags.AddAsync(DeviceApiHarness.Admin, DeviceActor.CommandLine, terminal.DeviceId, "pilot");
        var person = await api.Portal.CreatePersonAsync("owner@editor.example");
        await api.Portal.GrantRoleAsync(api.Merchant.Id, person.Id, MerchantRole.Owner);
        var principal = await api.Portal.SignedInPrincipalAsync(person, freshStepUp: true);
        var scope = await api.Portal.GetService<IAccessScopeProvider>().GetAsync(principal);
        var draft = await api.Portal.GetService<PatchPolicyLifecycle>().CreateDraftAsync(scope, PatchingActor.From(principal), api.Merchant.Id, "Pilot OS",
            new PolicyDefinition(new PolicyTarget(false, [], [], ["pilot"]), [new ComponentRequirement(PatchComponent.Os, "12.0")],
                MaintenanceWindow.Anytime, new RolloutPlan([100m], TimeSpan.FromHours(24), 5m), DateTimeOffset.UtcNow.AddDays(30), 7, OverdueAction.Notify));
        using var client = await api.Portal.SignedInClientAsync(person);

        var page = await client.GetStringAsync($"/patching/policies/{draft}");

        Assert.Contains("policy-tag-suggestions", page);
        Assert.Contains("Target devices tagged drive-thru", page);
        Assert.Contains("Target devices tagged pilot", page);
    }
}
