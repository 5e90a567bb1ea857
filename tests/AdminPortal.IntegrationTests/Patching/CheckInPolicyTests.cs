using AdminPortal.Features.Patching;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using static AdminPortal.IntegrationTests.Patching.PatchingTestBed;

namespace AdminPortal.IntegrationTests.Patching;

/// <summary>What the check-in answers in <c>patchPolicy</c>, through the provider Devices will call.</summary>
public sealed class CheckInPolicyTests
{
    [Theory, BothDatabases]
    public async Task An_overdue_device_in_the_rollout_is_told_to_block_payments(DatabaseProvider provider)
    {
        await using var bed = await CreateAsync(provider);
        var inventory = new InMemoryDeviceInventory();
        var device = inventory.Add(bed.Bakery.Id, "13.1");
        var other = inventory.Add(bed.Coffee.Id, "13.1");
        var id = await bed.ActivePolicyAsync(bed.Bakery, bed.Definition(rings: [100m]) with { Deadline = Start.AddDays(10), GraceDays = 3 });
        var checkIn = new PatchPolicyProvider(bed.Queries, bed.Ledger, bed.Clock);

        var early = (await checkIn.GetEffectivePolicyAsync(device))!;
        Assert.Equal(id, early.PolicyId);
        Assert.Equal("13.2", Assert.Single(early.Install).MinimumVersion);
        Assert.Equal(Enforcement.None, early.Enforcement);
        Assert.Null(await checkIn.GetEffectivePolicyAsync(other));

        bed.Clock.Advance(TimeSpan.FromDays(11));
        Assert.Equal(Enforcement.Notify, (await checkIn.GetEffectivePolicyAsync(device))!.Enforcement);

        bed.Clock.Advance(TimeSpan.FromDays(3));
        var overdue = (await checkIn.GetEffectivePolicyAsync(device))!;
        Assert.Equal(Enforcement.BlockPayments, overdue.Enforcement);
        Assert.Equal(DeviceComplianceState.Overdue, overdue.Compliance);

        inventory.Report(device.Id, PatchComponent.Os, "13.2");
        var patched = (await checkIn.GetEffectivePolicyAsync(inventory.Devices[0]))!;
        Assert.Equal(Enforcement.None, patched.Enforcement);
        Assert.Empty(patched.Install);
    }

    [Theory, BothDatabases]
    public async Task Paused_and_pending_policies_are_not_sent_to_terminals(DatabaseProvider provider)
    {
        await using var bed = await CreateAsync(provider);
        var device = new InMemoryDeviceInventory().Add(bed.Bakery.Id, "13.1");
        var checkIn = new PatchPolicyProvider(bed.Queries, bed.Ledger, bed.Clock);
        var pending = await bed.PendingPolicyAsync(bed.Bakery);
        Assert.Null(await checkIn.GetEffectivePolicyAsync(device));

        await bed.Lifecycle.ApproveAndActivateAsync(bed.OwnerOf(bed.Bakery, Bob), Bob, pending);
        Assert.NotNull(await checkIn.GetEffectivePolicyAsync(device));
        await bed.Lifecycle.PauseAsync(bed.OwnerOf(bed.Bakery, Bob), Bob, pending, "Investigating a failure report");
        Assert.Null(await checkIn.GetEffectivePolicyAsync(device));
    }
}
