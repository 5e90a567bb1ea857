using AdminPortal.Features.Patching;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using static AdminPortal.IntegrationTests.Patching.PatchingTestBed;

namespace AdminPortal.IntegrationTests.Patching;

public sealed class RolloutSupervisorTests
{
    private static RolloutSupervisor Supervisor(PatchingTestBed bed, InMemoryDeviceInventory inventory) =>
        new(bed.Queries, bed.Lifecycle, bed.Ledger, inventory, bed.Clock, NullLogger<RolloutSupervisor>.Instance);

    [Theory, BothDatabases]
    public async Task Rings_are_promoted_after_the_soak_and_the_policy_completes_when_every_device_is_patched(DatabaseProvider provider)
    {
        await using var bed = await CreateAsync(provider);
        var inventory = new InMemoryDeviceInventory();
        inventory.AddMany(bed.Bakery.Id, 40, "13.1");
        var id = await bed.ActivePolicyAsync(bed.Bakery, bed.Definition(rings: [10m, 50m, 100m]));
        var supervisor = Supervisor(bed, inventory);

        Assert.Empty(await supervisor.EvaluateAsync()); // soaking
        bed.Clock.Advance(TimeSpan.FromHours(24));
        Assert.Equal(RolloutDecisionKind.Promote, Assert.Single(await supervisor.EvaluateAsync()).Kind);
        Assert.Equal(1, (await bed.PolicyAsync(id)).RingIndex);
        bed.Clock.Advance(TimeSpan.FromHours(24));
        await supervisor.EvaluateAsync();
        Assert.Equal(2, (await bed.PolicyAsync(id)).RingIndex);

        // In the last ring nothing completes until every device reports the required version.
        Assert.Empty(await supervisor.EvaluateAsync());
        foreach (var device in inventory.Devices.ToList())
        {
            await bed.Ledger.RecordAsync(new InstallReport(Guid.NewGuid(), bed.Bakery.Id, device.Id, PatchComponent.Os, "13.2", true, bed.Clock.GetUtcNow()));
            inventory.Report(device.Id, PatchComponent.Os, "13.2");
        }

        await supervisor.EvaluateAsync();
        Assert.Equal(PolicyStatus.Completed, (await bed.PolicyAsync(id)).Status);
        var actions = (await bed.AuditOfAsync(bed.Bakery)).Select(a => a.Action).Take(3);
        Assert.Equal(["policy.completed", "policy.rollout-promoted", "policy.rollout-promoted"], actions);
    }

    [Theory, BothDatabases]
    public async Task Failures_over_the_threshold_halt_the_rollout_and_a_person_resumes_it(DatabaseProvider provider)
    {
        await using var bed = await CreateAsync(provider);
        var inventory = new InMemoryDeviceInventory();
        inventory.AddMany(bed.Bakery.Id, 200, "13.1");
        var id = await bed.ActivePolicyAsync(bed.Bakery, bed.Definition(rings: [20m, 100m]));
        var policy = await bed.PolicyAsync(id);
        var ring = inventory.Devices.Where(d => RolloutBuckets.IsInRing(id, d.Id, 20m)).ToList();
        Assert.True(ring.Count > 10);
        var outside = inventory.Devices.First(d => !RolloutBuckets.IsInRing(id, d.Id, 20m));

        // Failures outside the ring, or before activation, do not count.
        await bed.Ledger.RecordAsync(new InstallReport(Guid.NewGuid(), bed.Bakery.Id, outside.Id, PatchComponent.Os, "13.2", false, bed.Clock.GetUtcNow()));
        await bed.Ledger.RecordAsync(new InstallReport(Guid.NewGuid(), bed.Bakery.Id, ring[0].Id, PatchComponent.Os, "13.2", false, bed.Clock.GetUtcNow().AddDays(-1)));
        var supervisor = Supervisor(bed, inventory);
        Assert.Empty(await supervisor.EvaluateAsync());

        // 10 successes then 1 failure: 9.1 % ≥ 5 % halts at once, before the soak ends.
        bed.Clock.Advance(TimeSpan.FromHours(3));
        foreach (var device in ring.Take(10))
        {
            await bed.Ledger.RecordAsync(new InstallReport(Guid.NewGuid(), bed.Bakery.Id, device.Id, PatchComponent.Os, "13.2", true, bed.Clock.GetUtcNow()));
        }

        await bed.Ledger.RecordAsync(new InstallReport(Guid.NewGuid(), bed.Bakery.Id, ring[10].Id, PatchComponent.Os, "13.2", false, bed.Clock.GetUtcNow()));
        var halt = Assert.Single(await supervisor.EvaluateAsync());
        Assert.Equal(RolloutDecisionKind.Halt, halt.Kind);

        var halted = await bed.PolicyAsync(id);
        Assert.Equal((PolicyStatus.Active, RolloutPhase.Halted, 0), (halted.Status, halted.RolloutPhase, halted.RingIndex));
        Assert.Contains("1 of 11 devices", halted.HaltReason);
        var audit = (await bed.AuditOfAsync(bed.Bakery))[0];
        Assert.Equal(("policy.rollout-halted", AdminPortal.Features.Audit.AuditOutcome.Failure), (audit.Action, audit.Outcome));

        // Halted stays halted; no promotion however long it waits.
        bed.Clock.Advance(TimeSpan.FromDays(3));
        Assert.Empty(await supervisor.EvaluateAsync());

        // A person resumes: failures count afresh and the ring soaks again before promotion.
        await bed.Lifecycle.ResumeRolloutAsync(bed.OwnerOf(bed.Bakery, Bob), Bob, id);
        Assert.Empty(await supervisor.EvaluateAsync());
        bed.Clock.Advance(TimeSpan.FromHours(24));
        Assert.Equal(RolloutDecisionKind.Promote, Assert.Single(await supervisor.EvaluateAsync()).Kind);
        Assert.Equal(policy.Id, (await bed.PolicyAsync(id)).Id);
        Assert.Equal(1, (await bed.PolicyAsync(id)).RingIndex);
    }
}
