using AdminPortal.Features.Patching;

namespace AdminPortal.Tests.Patching;

public sealed class EffectivePolicyTests
{
    private static readonly Guid Merchant = Guid.Parse("11111111-2222-3333-4444-555555555555");
    private static readonly Guid Store = Guid.Parse("aaaaaaaa-2222-3333-4444-555555555555");
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);

    private static DeviceSnapshot Device(string os = "13.0", string app = "5.1", Guid? id = null, Guid? merchant = null, string model = "P400", params string[] tags) =>
        new(id ?? Guid.NewGuid(), merchant ?? Merchant, Store, model, tags,
            new Dictionary<PatchComponent, string> { [PatchComponent.Os] = os, [PatchComponent.PaymentApp] = app }, Now.AddMinutes(-5),
            StoreTimeZone: "Europe/Berlin");

    private static PolicyInForce Policy(DateTimeOffset deadline, OverdueAction action = OverdueAction.BlockPayments, decimal ring = 100m,
        RolloutPhase phase = RolloutPhase.Running, PolicyTarget? target = null, string minimumOs = "13.2", Guid? id = null)
    {
        var plan = new RolloutPlan(ring == 100m ? [100m] : [ring, 100m], TimeSpan.FromHours(24), 5m);
        var definition = new PolicyDefinition(target ?? PolicyTarget.Everything, [new ComponentRequirement(PatchComponent.Os, minimumOs)],
            MaintenanceWindow.Nightly, plan, deadline, GraceDays: 7, action);
        return new PolicyInForce(id ?? Guid.NewGuid(), Merchant, "March OS patch", definition, new RolloutState(0, Now.AddDays(-1), phase));
    }

    [Fact]
    public void No_policy_targets_the_device_so_it_gets_none()
    {
        Assert.Null(EffectivePolicyResolver.Resolve(Device(), [], [], Now));
        var otherMerchants = Policy(Now.AddDays(10)) with { MerchantId = Guid.NewGuid() };
        Assert.Null(EffectivePolicyResolver.Resolve(Device(), [otherMerchants], [], Now));
        var onlyModelX = Policy(Now.AddDays(10), target: new PolicyTarget(false, [], ["X990"], []));
        Assert.Null(EffectivePolicyResolver.Resolve(Device(model: "P400"), [onlyModelX], [], Now));
    }

    [Fact]
    public void Before_the_deadline_the_device_is_told_to_install_in_its_window_without_enforcement()
    {
        var effective = EffectivePolicyResolver.Resolve(Device(), [Policy(Now.AddDays(10))], [], Now)!;
        var install = Assert.Single(effective.Install);
        Assert.Equal((PatchComponent.Os, "13.2"), (install.Component, install.MinimumVersion));
        Assert.Equal(Enforcement.None, effective.Enforcement);
        Assert.Equal(DeviceComplianceState.InRollout, effective.Compliance);
        Assert.Equal("Europe/Berlin", effective.Window.TimeZone);
        Assert.False(effective.Window.OpenNow); // 13:00 in Berlin, window is 01:00–05:00
        Assert.Equal(new DateTimeOffset(2026, 3, 11, 0, 0, 0, TimeSpan.Zero), effective.Window.OpensAt);
    }

    [Theory]
    [InlineData(-3, OverdueAction.BlockPayments, Enforcement.Notify)]       // in grace (7 days)
    [InlineData(-8, OverdueAction.BlockPayments, Enforcement.BlockPayments)]
    [InlineData(-8, OverdueAction.Lock, Enforcement.Lock)]
    [InlineData(-8, OverdueAction.Notify, Enforcement.Notify)]
    public void Past_deadline_and_grace_the_overdue_action_is_enforced(int deadlineDaysFromNow, OverdueAction action, Enforcement expected)
    {
        var effective = EffectivePolicyResolver.Resolve(Device(), [Policy(Now.AddDays(deadlineDaysFromNow), action)], [], Now)!;
        Assert.Equal(expected, effective.Enforcement);
        Assert.Equal(DeviceComplianceState.Overdue, effective.Compliance);
    }

    [Fact]
    public void A_compliant_device_has_nothing_to_do_even_when_overdue_for_others()
    {
        var effective = EffectivePolicyResolver.Resolve(Device(os: "13.2.0"), [Policy(Now.AddDays(-30), OverdueAction.Lock)], [], Now)!;
        Assert.Empty(effective.Install);
        Assert.Equal(Enforcement.None, effective.Enforcement);
        Assert.Equal(DeviceComplianceState.Compliant, effective.Compliance);
        Assert.Equal("Up to date.", effective.Message);
    }

    [Fact]
    public void A_device_outside_the_current_ring_waits_and_is_never_enforced()
    {
        var policy = Policy(Now.AddDays(-30), OverdueAction.Lock, ring: 1m);
        var outside = Enumerable.Range(0, 200).Select(_ => Guid.NewGuid()).First(d => !RolloutBuckets.IsInRing(policy.Id, d, 1m));
        var inside = Enumerable.Range(0, 5000).Select(_ => Guid.NewGuid()).First(d => RolloutBuckets.IsInRing(policy.Id, d, 1m));

        var waiting = EffectivePolicyResolver.Resolve(Device(id: outside), [policy], [], Now)!;
        Assert.Empty(waiting.Install);
        Assert.Equal(Enforcement.None, waiting.Enforcement);
        Assert.False(waiting.Ring.DeviceInRing);

        var offered = EffectivePolicyResolver.Resolve(Device(id: inside), [policy], [], Now)!;
        Assert.Single(offered.Install);
        Assert.Equal(Enforcement.Lock, offered.Enforcement);
        Assert.True(offered.Ring.DeviceInRing);
    }

    [Fact]
    public void A_halted_rollout_offers_nothing()
    {
        var effective = EffectivePolicyResolver.Resolve(Device(), [Policy(Now.AddDays(-30), OverdueAction.Lock, phase: RolloutPhase.Halted)], [], Now)!;
        Assert.Empty(effective.Install);
        Assert.Equal(Enforcement.None, effective.Enforcement);
        Assert.True(effective.Ring.Halted);
    }

    [Fact]
    public void Several_policies_combine_to_the_strictest_version_and_the_strongest_enforcement()
    {
        var soft = Policy(Now.AddDays(20), OverdueAction.Notify, minimumOs: "13.2");
        var strict = Policy(Now.AddDays(-10), OverdueAction.BlockPayments, minimumOs: "13.10");
        var effective = EffectivePolicyResolver.Resolve(Device(), [soft, strict], [], Now)!;
        Assert.Equal("13.10", Assert.Single(effective.Install).MinimumVersion);
        Assert.Equal(Enforcement.BlockPayments, effective.Enforcement);
        Assert.Equal(strict.Id, effective.PolicyId);
        Assert.Equal(2, effective.PolicyIds.Count);
    }

    [Fact]
    public void Targets_by_store_model_and_tag_together()
    {
        var target = new PolicyTarget(false, [Store], ["p400"], ["front-desk"]);
        Assert.True(target.Matches(Device(model: "P400", tags: "front-desk")));
        Assert.False(target.Matches(Device(model: "P400", tags: "back-office")));
        Assert.False(target.Matches(Device(model: "X990", tags: "front-desk")));
        Assert.False(new PolicyTarget(false, [], [], []).Matches(Device()));
    }
}
