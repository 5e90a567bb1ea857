using AdminPortal.Features.Merchants;
using AdminPortal.Features.Patching;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using static AdminPortal.IntegrationTests.Patching.PatchingTestBed;

namespace AdminPortal.IntegrationTests.Patching;

public sealed class ComplianceReportTests
{
    [Theory, BothDatabases]
    public async Task Percentages_per_merchant_and_store_ring_progress_and_patch_latency(DatabaseProvider provider)
    {
        await using var bed = await CreateAsync(provider);
        var directory = new MerchantDirectory(bed.Connections, TimeProvider.System);
        await directory.EnsureStoreAsync(bed.Bakery.Id, "Berlin", "Street 1", "Berlin", "10117", "DE", "Europe/Berlin", null, null, null);
        await directory.EnsureStoreAsync(bed.Bakery.Id, "Hamburg", "Street 2", "Hamburg", "22765", "DE", "Europe/Berlin", null, null, null);
        var stores = await directory.ListStoresUnscopedAsync(bed.Bakery.Id);
        var berlin = stores.Single(s => s.Name == "Berlin").Id;
        var hamburg = stores.Single(s => s.Name == "Hamburg").Id;

        var release = await bed.Releases.CreateAsync(Admin(Alice), Alice,
            new NewRelease(PatchComponent.Os, "13.2", ReleaseSeverity.Critical, Start.AddDays(-40), [], ["CVE-2026-20001"], null));
        var inventory = new InMemoryDeviceInventory();
        var patched = inventory.Add(bed.Bakery.Id, "13.2", berlin);
        var behind = inventory.Add(bed.Bakery.Id, "13.1", berlin);
        var failing = inventory.Add(bed.Bakery.Id, "13.1", hamburg);
        inventory.Add(bed.Bakery.Id, "", hamburg); // reports no OS version: unknown
        inventory.Add(bed.Bakery.Id, "12.0", hamburg, model: "Legacy"); // no policy targets it
        inventory.Add(bed.Coffee.Id, "1.0");
        var target = new PolicyTarget(false, [], ["A920"], []);
        await bed.ActivePolicyAsync(bed.Bakery, bed.Definition(rings: [100m]) with { Target = target, Requirements = [new(PatchComponent.Os, "13.2", release.Id)] });
        await bed.Ledger.RecordAsync(new InstallReport(Guid.NewGuid(), bed.Bakery.Id, patched.Id, PatchComponent.Os, "13.2", true, Start.AddDays(-20)));
        await bed.Ledger.RecordAsync(new InstallReport(Guid.NewGuid(), bed.Bakery.Id, patched.Id, PatchComponent.Os, "13.2", true, Start.AddDays(-19))); // reinstall: first counts
        await bed.Ledger.RecordAsync(new InstallReport(Guid.NewGuid(), bed.Bakery.Id, failing.Id, PatchComponent.Os, "13.2", false, Start));
        await bed.Ledger.RecordAsync(new InstallReport(Guid.NewGuid(), bed.Bakery.Id, behind.Id, PatchComponent.Os, "13.2", true, Start.AddDays(-5)));

        var reports = new PatchComplianceReports(directory, bed.Queries, bed.Ledger, bed.Releases, inventory, bed.Clock);
        var overview = await reports.GetOverviewAsync(bed.OwnerOf(bed.Bakery, Alice));

        var bakery = Assert.Single(overview.Merchants);
        Assert.Equal(new ComplianceCounts(Compliant: 1, InRollout: 1, Overdue: 0, Failed: 1, Unknown: 1), bakery.Counts);
        Assert.Equal(25.0m, bakery.Counts.CompliantPercent);
        Assert.Equal(1, bakery.DevicesWithoutPolicy);
        Assert.Equal(["Berlin", "Hamburg"], bakery.Stores.Select(s => s.StoreName));
        Assert.Equal(50.0m, bakery.Stores[0].Counts.CompliantPercent);
        Assert.Equal(0m, bakery.Stores[1].Counts.CompliantPercent);

        var rollout = Assert.Single(overview.Rollouts);
        Assert.Equal((4, 4, 1), (rollout.TargetedDevices, rollout.DevicesInRings, rollout.CompliantDevices));

        // 20 and 35 days after the release: one of two critical installs within PCI DSS 6.3.3's month.
        var latency = Assert.Single(overview.Latency);
        Assert.Equal((2, 27.5, 35.0, 2, 1), (latency.Installs, latency.MedianDays, latency.MaxDays, latency.CriticalInstalls, latency.CriticalWithinDeadline));
        Assert.Equal(50.0m, latency.CriticalOnTimePercent);

        Assert.Equal(2, (await reports.GetOverviewAsync(Admin(Bob))).Merchants.Count);
        var outsider = await reports.GetOverviewAsync(bed.OwnerOf(bed.Coffee, Bob));
        Assert.Equal(bed.Coffee.Id, Assert.Single(outsider.Merchants).MerchantId);
        Assert.Empty(outsider.Rollouts);
    }
}
