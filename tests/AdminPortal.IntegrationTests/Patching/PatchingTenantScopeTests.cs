using AdminPortal.Features.Patching;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using static AdminPortal.IntegrationTests.Patching.PatchingTestBed;

namespace AdminPortal.IntegrationTests.Patching;

public sealed class PatchingTenantScopeTests
{
    [Theory, BothDatabases]
    public async Task Another_merchants_owner_sees_nothing_and_changes_nothing(DatabaseProvider provider)
    {
        await using var bed = await CreateAsync(provider);
        var bakeryPolicy = await bed.PendingPolicyAsync(bed.Bakery, name: "Bakery policy");
        var coffeePolicy = await bed.Lifecycle.CreateDraftAsync(bed.OwnerOf(bed.Coffee, Carol), Carol, bed.Coffee.Id, "Coffee policy", bed.Definition());
        var coffeeOwner = bed.OwnerOf(bed.Coffee, Bob);

        Assert.Null(await bed.Queries.GetAsync(coffeeOwner, bakeryPolicy));
        Assert.Equal(["Coffee policy"], (await bed.Queries.SearchAsync(coffeeOwner, new PolicyQuery())).Rows.Select(p => p.Name));
        Assert.Empty((await bed.Queries.SearchAsync(coffeeOwner, new PolicyQuery { MerchantId = bed.Bakery.Id })).Rows);
        Assert.Empty(await bed.Queries.ListInForceAsync(coffeeOwner));

        // A foreign id answers "not found", exactly like an id that does not exist.
        await Assert.ThrowsAsync<PatchingNotFoundException>(() => bed.Lifecycle.ApproveAndActivateAsync(coffeeOwner, Bob, bakeryPolicy));
        await Assert.ThrowsAsync<PatchingNotFoundException>(() => bed.Lifecycle.ApproveAndActivateAsync(coffeeOwner, Bob, Guid.NewGuid()));
        await Assert.ThrowsAsync<PatchingNotFoundException>(() => bed.Lifecycle.CreateDraftAsync(coffeeOwner, Bob, bed.Bakery.Id, "Intruder", bed.Definition()));
        Assert.Equal(PolicyStatus.PendingApproval, (await bed.PolicyAsync(bakeryPolicy)).Status);

        var admin = Admin(Bob);
        Assert.Equal(2, (await bed.Queries.SearchAsync(admin, new PolicyQuery())).Total);
        Assert.NotNull(await bed.Queries.GetAsync(admin, coffeePolicy));
    }

    [Theory, BothDatabases]
    public async Task A_compliance_officer_reads_but_cannot_change_policies(DatabaseProvider provider)
    {
        await using var bed = await CreateAsync(provider);
        var id = await bed.PendingPolicyAsync(bed.Bakery);
        var officer = bed.OfficerOf(bed.Bakery, Bob);

        Assert.NotNull(await bed.Queries.GetAsync(officer, id));
        await Assert.ThrowsAsync<PatchingForbiddenException>(() => bed.Lifecycle.ApproveAndActivateAsync(officer, Bob, id));
        await Assert.ThrowsAsync<PatchingForbiddenException>(() => bed.Lifecycle.CreateDraftAsync(officer, Bob, bed.Bakery.Id, "Nope", bed.Definition()));
        Assert.Equal(PolicyStatus.PendingApproval, (await bed.PolicyAsync(id)).Status);
    }

    [Theory, BothDatabases]
    public async Task Install_reports_are_read_only_within_scope(DatabaseProvider provider)
    {
        await using var bed = await CreateAsync(provider);
        var device = Guid.NewGuid();
        await bed.Ledger.RecordAsync(new InstallReport(Guid.NewGuid(), bed.Bakery.Id, device, PatchComponent.Os, "13.2", true, Start));

        Assert.Single(await bed.Ledger.ListAsync(bed.OwnerOf(bed.Bakery, Alice), bed.Bakery.Id, Start.AddDays(-1)));
        Assert.Empty(await bed.Ledger.ListAsync(bed.OwnerOf(bed.Coffee, Alice), bed.Bakery.Id, Start.AddDays(-1)));
        Assert.Empty(await bed.Ledger.ListForDeviceAsync(bed.OwnerOf(bed.Coffee, Alice), bed.Bakery.Id, device));
    }
}
