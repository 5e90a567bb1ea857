using AdminPortal.Features.Patching;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using static AdminPortal.IntegrationTests.Patching.PatchingTestBed;

namespace AdminPortal.IntegrationTests.Patching;

public sealed class ReleaseCatalogueTests
{
    private static NewRelease Release(string version = "13.2.1", params string[] cves) =>
        new(PatchComponent.Os, version, ReleaseSeverity.Critical, Start.AddDays(-2), ["A920", "A920 Pro"], cves, "Fixes the NFC stack.");

    [Theory, BothDatabases]
    public async Task A_platform_admin_adds_a_release_that_everyone_can_find(DatabaseProvider provider)
    {
        await using var bed = await CreateAsync(provider);
        var release = await bed.Releases.CreateAsync(Admin(Alice), Alice, Release("13.2.1", "CVE-2026-10001", "CVE-2026-10002"));

        Assert.Equal(("13.2.1", ReleaseSeverity.Critical, Start.AddDays(-2)), (release.Version, release.Severity, release.ReleasedAt));
        Assert.Equal(["A920", "A920 Pro"], release.Models);
        Assert.Equal(Start.AddDays(28), release.DefaultDeadline);

        var byCve = await bed.Releases.SearchAsync(new ReleaseQuery { Text = "cve-2026-10002" });
        Assert.Equal(release.Id, Assert.Single(byCve.Rows).Id);
        Assert.Empty((await bed.Releases.SearchAsync(new ReleaseQuery { Component = PatchComponent.Firmware })).Rows);

        var audit = await bed.Audit.SearchAsync(new AdminPortal.Features.Audit.AuditQuery { Category = "patching" });
        Assert.Equal("release.created", Assert.Single(audit.Rows).Action);
    }

    [Theory, BothDatabases]
    public async Task Merchant_owners_cannot_add_and_duplicates_and_bad_input_are_refused(DatabaseProvider provider)
    {
        await using var bed = await CreateAsync(provider);
        await Assert.ThrowsAsync<PatchingForbiddenException>(() => bed.Releases.CreateAsync(bed.OwnerOf(bed.Bakery, Alice), Alice, Release()));

        await bed.Releases.CreateAsync(Admin(Alice), Alice, Release());
        var duplicate = await Assert.ThrowsAsync<PatchingValidationException>(() => bed.Releases.CreateAsync(Admin(Alice), Alice, Release()));
        Assert.Contains("already in the catalogue", duplicate.Message);

        var bad = await Assert.ThrowsAsync<PatchingValidationException>(() => bed.Releases.CreateAsync(Admin(Alice), Alice,
            Release("13.2 beta", "CVE-26-1") with { ReleasedAt = Start.AddDays(5) }));
        Assert.Equal(["CveIds", "ReleasedAt", "Version"], bad.Problems.Select(p => p.Field).Order());
    }

    [Theory, BothDatabases]
    public async Task Releases_page_newest_first(DatabaseProvider provider)
    {
        await using var bed = await CreateAsync(provider);
        for (var i = 0; i < 7; i++)
        {
            await bed.Releases.CreateAsync(Admin(Alice), Alice, Release($"13.{i}") with { ReleasedAt = Start.AddDays(-10 + i) });
        }

        var first = await bed.Releases.SearchAsync(new ReleaseQuery { Take = 5 });
        var second = await bed.Releases.SearchAsync(new ReleaseQuery { Take = 5, Skip = 5 });
        Assert.Equal(7, first.Total);
        Assert.Equal(["13.6", "13.5", "13.4", "13.3", "13.2"], first.Rows.Select(r => r.Version));
        Assert.Equal(["13.1", "13.0"], second.Rows.Select(r => r.Version));
    }
}
