using AdminPortal.Features.Patching;

namespace AdminPortal.Tests.Patching;

/// <summary>A policy targeting device tags covers exactly the devices carrying one of them.</summary>
public sealed class TagTargetTests
{
    private static readonly Guid Merchant = Guid.NewGuid();
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);

    private static DeviceSnapshot Device(params string[] tags) =>
        new(Guid.NewGuid(), Merchant, Guid.NewGuid(), "A920", tags, new Dictionary<PatchComponent, string> { [PatchComponent.Os] = "13.0" },
            Now.AddMinutes(-5), StoreTimeZone: "Europe/Berlin");

    private static PolicyDefinition Definition(PolicyTarget target) => new(target, [new ComponentRequirement(PatchComponent.Os, "13.2")],
        MaintenanceWindow.Anytime, new RolloutPlan([100m], TimeSpan.FromHours(24), 5m), Now.AddDays(10), GraceDays: 7, OverdueAction.BlockPayments);

    [Fact]
    public void A_tag_target_matches_devices_with_any_of_its_tags_and_no_others()
    {
        var target = new PolicyTarget(false, [], [], ["pilot", "drive-thru"]);
        Assert.True(target.Matches(Device("pilot")));
        Assert.True(target.Matches(Device("floor-2", "drive-thru")));
        Assert.False(target.Matches(Device("floor-2")));
        Assert.False(target.Matches(Device()));
    }

    [Fact]
    public void The_resolver_gives_the_tag_targeted_policy_to_the_tagged_device_only()
    {
        var policy = new PolicyInForce(Guid.NewGuid(), Merchant, "Pilot OS", Definition(new PolicyTarget(false, [], [], ["pilot"])),
            new RolloutState(0, Now.AddDays(-1), RolloutPhase.Running));

        var tagged = EffectivePolicyResolver.Resolve(Device("pilot"), [policy], [], Now);
        Assert.Equal(policy.Id, tagged!.PolicyId);
        Assert.Equal("13.2", Assert.Single(tagged.Install).MinimumVersion);
        Assert.Null(EffectivePolicyResolver.Resolve(Device("other"), [policy], [], Now));
        Assert.Null(EffectivePolicyResolver.Resolve(Device(), [policy], [], Now));
    }

    [Fact]
    public void A_policy_naming_a_tag_no_device_could_carry_is_refused()
    {
        var problems = PolicyValidation.Validate("Pilot OS", Definition(new PolicyTarget(false, [], [], ["front desk"])));
        var problem = Assert.Single(problems);
        Assert.Equal("Tags", problem.Field);
        Assert.Contains("front desk", problem.Message);
        Assert.Empty(PolicyValidation.Validate("Pilot OS", Definition(new PolicyTarget(false, [], [], ["front-desk"]))));
    }
}
