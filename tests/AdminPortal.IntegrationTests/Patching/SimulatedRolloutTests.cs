using AdminPortal.Features.Devices;
using AdminPortal.Features.Devices.Simulator;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Features.Patching;
using AdminPortal.Infrastructure.Database;
using AdminPortal.IntegrationTests.Devices;
using AdminPortal.Testing;

namespace AdminPortal.IntegrationTests.Patching;

/// <summary>
/// A rollout end to end: the portal on a real port, policies activated under four eyes with step-up, simulated terminals
/// speaking the device API that follow the policy they are answered, and compliance read back from the portal.
/// </summary>
public sealed class SimulatedRolloutTests
{
    private static readonly AccessScope Platform = AccessScope.PlatformAdmin(Guid.NewGuid());

    // The tests run the rollout supervisor themselves: its periodic round (once a minute) could otherwise halt a rollout
    // between two simulated rounds and change what the terminals were told.
    private static readonly Dictionary<string, string?> ManualSupervision = new() { ["Patching:RolloutSupervisionSeconds"] = "86400" };

    [Theory, BothDatabases]
    public async Task Terminals_in_the_first_ring_install_the_required_version_and_compliance_and_ring_progress_follow(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider, ManualSupervision);
        var settings = new SimulationSettings(api.Merchant.Id, api.Store.Id, 8, "ROLL-", TamperRate: 0, RoamRate: 0);
        var terminals = await api.Portal.GetService<TerminalSimulation>().EnrollAsync(api.Client, settings, CancellationToken.None);
        await TerminalSimulation.RoundAsync(terminals, settings, CancellationToken.None);
        Assert.All(terminals, t => Assert.Null(t.PatchPolicy));

        var policyId = await ActivateUnderFourEyesAsync(api, Os12(rings: [50m, 100m]));
        var inRing = terminals.Where(t => RolloutBuckets.IsInRing(policyId, t.DeviceId!.Value, 50m)).ToList();
        var outside = terminals.Except(inRing).ToList();

        // Round 1: every terminal learns the policy; those in ring 1 install in the (always open) window.
        await TerminalSimulation.RoundAsync(terminals, settings, CancellationToken.None);
        Assert.All(terminals, t => Assert.Equal(policyId, t.PatchPolicy!.PolicyId));
        Assert.All(inRing, t => Assert.Equal(("12.0", 1), (t.OsVersion, t.InstallsSucceeded)));
        Assert.All(outside, t =>
        {
            Assert.False(t.PatchPolicy!.Ring.DeviceInRing);
            Assert.Empty(t.PatchPolicy.Install);
            Assert.Equal(("11", 0), (t.OsVersion, t.InstallsSucceeded));
        });

        // Round 2: they report the installs and the new version; the answer says they comply.
        await TerminalSimulation.RoundAsync(terminals, settings, CancellationToken.None);
        Assert.All(inRing, t => Assert.Equal(("compliant", 0), (t.PatchPolicy!.Compliance, t.PatchPolicy.Install.Count)));
        Assert.All(outside, t => Assert.Equal("inRollout", t.PatchPolicy!.Compliance));

        var installs = await api.Portal.GetService<PatchInstallLedger>().ListAsync(Platform, api.Merchant.Id, DateTimeOffset.UtcNow.AddHours(-1));
        Assert.Equal(inRing.Select(t => t.DeviceId!.Value).Order(), installs.Select(i => i.DeviceId).Order());
        Assert.All(installs, i => Assert.Equal((PatchComponent.Os, "12.0", true, (Guid?)policyId), (i.Component, i.Version, i.Succeeded, i.PolicyId)));
        foreach (var terminal in inRing)
        {
            Assert.Equal("12.0", (await api.Portal.GetService<DeviceDirectory>().GetAsync(Platform, terminal.DeviceId!.Value))!.OsVersion);
        }

        var overview = await api.Portal.GetService<PatchComplianceReports>().GetOverviewAsync(Platform, api.Merchant.Id);
        var counts = Assert.Single(overview.Merchants).Counts;
        Assert.Equal((inRing.Count, outside.Count, 0, 0, 0), (counts.Compliant, counts.InRollout, counts.Overdue, counts.Failed, counts.Unknown));
        var rollout = Assert.Single(overview.Rollouts);
        Assert.Equal((1, 2, 8, inRing.Count, inRing.Count), (rollout.RingNumber, rollout.RingCount, rollout.TargetedDevices, rollout.DevicesInRings, rollout.CompliantDevices));
        Assert.Equal((inRing.Count, 0), (rollout.Outcome.Attempted, rollout.Outcome.Failed));
    }

    [Theory, BothDatabases]
    public async Task Failed_installs_reported_by_terminals_halt_the_rollout_and_stop_further_installs(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider, ManualSupervision);
        var settings = new SimulationSettings(api.Merchant.Id, api.Store.Id, 3, "FAIL-", TamperRate: 0, RoamRate: 0, InstallFailureRate: 1);
        var terminals = await api.Portal.GetService<TerminalSimulation>().EnrollAsync(api.Client, settings, CancellationToken.None);
        var policyId = await ActivateUnderFourEyesAsync(api, Os12(rings: [100m]));

        await TerminalSimulation.RoundAsync(terminals, settings, CancellationToken.None);
        await TerminalSimulation.RoundAsync(terminals, settings, CancellationToken.None);
        Assert.All(terminals, t => Assert.Equal(("11", 2, "failed"), (t.OsVersion, t.InstallsFailed, t.PatchPolicy!.Compliance)));

        await api.Portal.GetService<RolloutSupervisor>().EvaluateAsync();
        var policy = (await api.Portal.GetService<PatchPolicyQueries>().GetAsync(Platform, policyId))!;
        Assert.Equal(RolloutPhase.Halted, policy.RolloutPhase);

        // Halted: the terminals are told to keep their versions, and try nothing more.
        await TerminalSimulation.RoundAsync(terminals, settings, CancellationToken.None);
        Assert.All(terminals, t =>
        {
            Assert.True(t.PatchPolicy!.Ring.Halted);
            Assert.Empty(t.PatchPolicy.Install);
            Assert.Equal(2, t.InstallsFailed);
        });
        var overview = await api.Portal.GetService<PatchComplianceReports>().GetOverviewAsync(Platform, api.Merchant.Id);
        Assert.Equal(3, Assert.Single(overview.Merchants).Counts.Failed);
        Assert.Equal(100m, Assert.Single(overview.Rollouts).FailureRatePercent);
    }

    private static PolicyDefinition Os12(decimal[] rings) => new(
        PolicyTarget.Everything,
        [new ComponentRequirement(PatchComponent.Os, "12.0")],
        MaintenanceWindow.Anytime,
        new RolloutPlan(rings, TimeSpan.FromHours(24), 5m),
        DateTimeOffset.UtcNow.AddDays(30),
        GraceDays: 7,
        OverdueAction.BlockPayments);

    /// <summary>Alice writes and submits the policy; she may not approve it herself; Bob approves with a fresh key assertion.</summary>
    internal static async Task<Guid> ActivateUnderFourEyesAsync(DeviceApiHarness api, PolicyDefinition definition)
    {
        var portal = api.Portal;
        var (alice, aliceScope) = await OwnerAsync(api, "alice@rollout.example");
        var (bob, bobScope) = await OwnerAsync(api, "bob@rollout.example");
        var lifecycle = portal.GetService<PatchPolicyLifecycle>();
        var id = await lifecycle.CreateDraftAsync(aliceScope, alice, api.Merchant.Id, "OS 12 for every terminal", definition);
        await lifecycle.SubmitForApprovalAsync(aliceScope, alice, id);

        await Assert.ThrowsAsync<PatchingRuleException>(() => lifecycle.ApproveAndActivateAsync(aliceScope, alice, id));
        await lifecycle.ApproveAndActivateAsync(bobScope, bob, id);
        Assert.Equal(PolicyStatus.Active, (await portal.GetService<PatchPolicyQueries>().GetAsync(Platform, id))!.Status);
        return id;
    }

    private static async Task<(PatchingActor Actor, AccessScope Scope)> OwnerAsync(DeviceApiHarness api, string email)
    {
        var person = await api.Portal.CreatePersonAsync(email);
        await api.Portal.GrantRoleAsync(api.Merchant.Id, person.Id, MerchantRole.Owner);
        var principal = await api.Portal.SignedInPrincipalAsync(person, freshStepUp: true);
        return (PatchingActor.From(principal), await api.Portal.GetService<IAccessScopeProvider>().GetAsync(principal));
    }
}
