using AdminPortal.Features.Patching;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using static AdminPortal.IntegrationTests.Patching.PatchingTestBed;

namespace AdminPortal.IntegrationTests.Patching;

public sealed class InstallLedgerTests
{
    [Theory, BothDatabases]
    public async Task A_retried_report_is_recorded_once(DatabaseProvider provider)
    {
        await using var bed = await CreateAsync(provider);
        var report = new InstallReport(Guid.NewGuid(), bed.Bakery.Id, Guid.NewGuid(), PatchComponent.Firmware, "2.4.1", false, Start, "checksum mismatch");

        Assert.True(await bed.Ledger.RecordAsync(report));
        Assert.False(await bed.Ledger.RecordAsync(report));

        var stored = Assert.Single(await bed.Ledger.ListAsync(Admin(Alice), bed.Bakery.Id, Start.AddDays(-1)));
        Assert.Equal((report.DeviceId, PatchComponent.Firmware, "2.4.1", false, "checksum mismatch", Start),
            (stored.DeviceId, stored.Component, stored.Version, stored.Succeeded, stored.Detail, stored.OccurredAt));
    }

    [Theory, BothDatabases]
    public async Task The_latest_report_per_component_wins(DatabaseProvider provider)
    {
        await using var bed = await CreateAsync(provider);
        var device = Guid.NewGuid();
        await bed.Ledger.RecordAsync(new InstallReport(Guid.NewGuid(), bed.Bakery.Id, device, PatchComponent.Os, "13.2", false, Start));
        await bed.Ledger.RecordAsync(new InstallReport(Guid.NewGuid(), bed.Bakery.Id, device, PatchComponent.Os, "13.2", true, Start.AddHours(2)));
        await bed.Ledger.RecordAsync(new InstallReport(Guid.NewGuid(), bed.Bakery.Id, device, PatchComponent.PaymentApp, "5.0", false, Start.AddHours(1)));
        await bed.Ledger.RecordAsync(new InstallReport(Guid.NewGuid(), bed.Bakery.Id, Guid.NewGuid(), PatchComponent.Os, "9.9", false, Start.AddHours(3)));

        var latest = await bed.Ledger.LatestForDeviceAsync(bed.Bakery.Id, device);

        Assert.Equal(2, latest.Count);
        Assert.True(latest.Single(l => l.Component == PatchComponent.Os).Succeeded);
        Assert.False(latest.Single(l => l.Component == PatchComponent.PaymentApp).Succeeded);
    }

    [Theory, BothDatabases]
    public async Task A_report_with_a_bad_version_is_refused_naming_the_field(DatabaseProvider provider)
    {
        await using var bed = await CreateAsync(provider);
        var error = await Assert.ThrowsAsync<PatchingValidationException>(() => bed.Ledger.RecordAsync(
            new InstallReport(Guid.NewGuid(), bed.Bakery.Id, Guid.NewGuid(), PatchComponent.Os, "13.2-beta", true, Start)));
        Assert.Equal("version", Assert.Single(error.Problems).Field);
        Assert.Empty(await bed.Ledger.ListAsync(Admin(Alice), bed.Bakery.Id, Start.AddDays(-1)));
    }
}
