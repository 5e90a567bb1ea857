using AdminPortal.Features.Devices;
using AdminPortal.Features.Devices.Bulk;
using AdminPortal.Features.Merchants;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using Dapper;

namespace AdminPortal.IntegrationTests.Devices;

public sealed class DeviceDirectoryTests
{
    [Theory, BothDatabases]
    public async Task The_list_pages_sorts_filters_and_searches_within_the_scope_only(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        for (var i = 1; i <= 5; i++)
        {
            var terminal = await api.EnrollAsync($"SN-A-{i}");
            await terminal.CheckInAsync(DeviceApiHarness.CheckInBody(tamper: i == 3 ? "tampered" : "ok", appVersion: i % 2 == 0 ? "2.0" : "1.0"));
        }

        var (other, otherStore) = await DeviceApiHarness.AddMerchantAsync(api.Portal.GetService<MerchantDirectory>(), "B");
        await api.Portal.GetService<ExpectedDevices>().RegisterAsync(DeviceApiHarness.Admin, DeviceActor.CommandLine, other.Id, otherStore.Id, ["SN-A-9", "SN_B_1"]);
        var devices = api.Portal.GetService<DeviceDirectory>();
        var ownerOfA = new AccessScope(Guid.NewGuid(), false, [new MerchantGrant(api.Merchant.Id, MerchantRole.Owner)]);
        var ownerOfB = new AccessScope(Guid.NewGuid(), false, [new MerchantGrant(other.Id, MerchantRole.Owner)]);

        var firstPage = await devices.SearchAsync(ownerOfA, new DeviceQuery { Sort = DeviceSort.Serial, Descending = false, Take = 2 });
        var lastPage = await devices.SearchAsync(ownerOfA, new DeviceQuery { Sort = DeviceSort.Serial, Descending = false, Take = 2, Skip = 4 });
        var searched = await devices.SearchAsync(ownerOfA, new DeviceQuery { Search = "sn-a-" });
        var tampered = await devices.SearchAsync(ownerOfA, new DeviceQuery { Tamper = TamperState.Tampered });
        var version = await devices.SearchAsync(ownerOfA, new DeviceQuery { AppVersion = "2.0", Online = true });
        var foreignFilter = await devices.SearchAsync(ownerOfA, new DeviceQuery { MerchantId = other.Id });
        var wildcard = await devices.SearchAsync(DeviceApiHarness.Admin, new DeviceQuery { Search = "SN_" });
        var pending = await devices.SearchAsync(ownerOfB, new DeviceQuery { Status = DeviceStatus.Pending });

        Assert.Equal(5, firstPage.Total);
        Assert.Equal(["SN-A-1", "SN-A-2"], firstPage.Rows.Select(r => r.SerialNumber));
        Assert.Equal(["SN-A-5"], lastPage.Rows.Select(r => r.SerialNumber));
        Assert.Equal(5, searched.Total); // B's "SN-A-9" is not in A's scope
        Assert.Equal("SN-A-3", Assert.Single(tampered.Rows).SerialNumber);
        Assert.Equal(2, version.Total);
        Assert.Equal(0, foreignFilter.Total);
        Assert.Equal("SN_B_1", Assert.Single(wildcard.Rows).SerialNumber); // "_" is not a wildcard
        Assert.Equal(2, pending.Total);
        Assert.Null(await devices.GetAsync(ownerOfB, firstPage.Rows[0].Id));
        Assert.NotNull(await devices.GetAsync(ownerOfA, firstPage.Rows[0].Id));
        Assert.Empty(await devices.ListCheckInsAsync(ownerOfB, api.Merchant.Id, firstPage.Rows[0].Id));
        Assert.Single(await devices.ListCheckInsAsync(ownerOfA, api.Merchant.Id, firstPage.Rows[0].Id));
        Assert.Equal(0, (await devices.SearchAsync(AccessScope.Nobody, new DeviceQuery())).Total);

        var summary = await devices.SummariseAsync(ownerOfA);
        Assert.Equal((5L, 5L, 1L, 1L), (summary.Total, summary.Online, summary.Tampered, summary.OpenAlerts));
        Assert.Equal(0, (await devices.SummariseAsync(ownerOfB)).Total); // pending devices are not the live estate
    }

    [Theory, BothDatabases]
    public async Task The_pager_count_stops_at_its_limit_and_says_it_is_a_lower_bound(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        for (var i = 1; i <= 5; i++)
        {
            await api.EnrollAsync($"SN-C-{i}");
        }

        var devices = api.Portal.GetService<DeviceDirectory>();
        var owner = new AccessScope(Guid.NewGuid(), false, [new MerchantGrant(api.Merchant.Id, MerchantRole.Owner)]);
        var ordered = new DeviceQuery { Sort = DeviceSort.Serial, Descending = false, Take = 2 };

        var exact = await devices.SearchAsync(owner, ordered with { CountLimit = 5 });
        var capped = await devices.SearchAsync(owner, ordered with { CountLimit = 3 });
        var pageBeyondLimit = await devices.SearchAsync(owner, ordered with { CountLimit = 3, Skip = 2 });
        var lastPage = await devices.SearchAsync(owner, ordered with { CountLimit = 3, Skip = 4 });
        var filtered = await devices.SearchAsync(owner, ordered with { CountLimit = 3, Search = "SN-C-1" });

        Assert.Equal((5L, false), (exact.Total, exact.TotalIsLowerBound));
        Assert.Equal((3L, true), (capped.Total, capped.TotalIsLowerBound));
        Assert.Equal(["SN-C-1", "SN-C-2"], capped.Rows.Select(r => r.SerialNumber));
        // The count always reaches past the requested page, so the pager can offer the next one.
        Assert.Equal((4L, true), (pageBeyondLimit.Total, pageBeyondLimit.TotalIsLowerBound));
        Assert.Equal(["SN-C-3", "SN-C-4"], pageBeyondLimit.Rows.Select(r => r.SerialNumber));
        Assert.Equal((5L, false), (lastPage.Total, lastPage.TotalIsLowerBound));
        Assert.Equal(["SN-C-5"], lastPage.Rows.Select(r => r.SerialNumber));
        Assert.Equal((1L, false), (filtered.Total, filtered.TotalIsLowerBound));
    }

    [Theory, BothDatabases]
    public async Task A_page_in_last_contact_order_is_the_same_whether_its_matches_are_walked_in_order_or_sorted(DatabaseProvider provider)
    {
        // PostgreSQL walks device_presence for a common page and sorts a rare one read from devices (migration 0082);
        // SQLite walks or sorts a model's matches. A count limit below or above the matches decides which, so the same
        // query is asked both ways and each time checked against the estate itself.
        var (database, connections) = await TestDatabase.CreateMigratedAsync(provider);
        await using var _ = database;
        var clock = new TestClock(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        var merchants = new MerchantDirectory(connections, clock);
        var (merchant, store) = await DeviceApiHarness.AddMerchantAsync(merchants, "A");
        await merchants.EnsureStoreAsync(merchant.Id, "Store A2", "Hauptstraße 2", "Berlin", "10117", "DE", "Europe/Berlin", 52.52, 13.405, null);
        var otherStore = (await merchants.ListStoresAsync(merchant.Id)).Single(s => s.Id != store.Id);
        var now = clock.GetUtcNow();
        var estate = Enumerable.Range(0, 60).Select(i => new EstateDevice(
            merchant.Id, Guid.NewGuid(), i % 3 == 0 ? otherStore.Id : store.Id, $"SN-{i:D3}", i % 2 == 0 ? "A920" : "A77",
            i % 10 == 9 ? (int)DeviceStatus.Locked : (int)DeviceStatus.Active, i % 4 != 0, now.AddMinutes(-((i * 37) % 60) * 30))).ToList();
        await using (var connection = await connections.OpenAsync())
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO devices (merchant_id, id, store_id, serial_number, model, status, check_in_interval_seconds, is_online, last_seen_at, created_at, updated_at)
                VALUES (@MerchantId, @Id, @StoreId, @SerialNumber, @Model, @Status, 300, @Online, @LastSeenAt, @LastSeenAt, @LastSeenAt)
                """, estate);
        }

        var directory = new DeviceDirectory(connections);
        var owner = new AccessScope(Guid.NewGuid(), false, [new MerchantGrant(merchant.Id, MerchantRole.Owner)]);
        var silentSince = now.AddHours(-20);
        var cases = new (DeviceQuery Query, Func<EstateDevice, bool> Matches)[]
        {
            (new DeviceQuery(), _ => true),
            (new DeviceQuery { Model = "A77" }, d => d.Model == "A77"),
            (new DeviceQuery { Status = DeviceStatus.Locked }, d => d.Status == (int)DeviceStatus.Locked),
            (new DeviceQuery { Online = false }, d => !d.Online),
            (new DeviceQuery { LastSeenBefore = silentSince }, d => d.LastSeenAt < silentSince),
            (new DeviceQuery { StoreId = store.Id }, d => d.StoreId == store.Id), // a condition only devices can answer
            (new DeviceQuery { StoreId = store.Id, LastSeenBefore = silentSince }, d => d.StoreId == store.Id && d.LastSeenAt < silentSince),
        };
        foreach (var (query, matches) in cases)
        {
            var expected = estate.Where(d => matches(d)).OrderByDescending(d => d.LastSeenAt).ThenBy(d => d.Id).ToList();
            Assert.NotEmpty(expected);
            foreach (var (skip, countLimit) in new[] { (0, 2), (0, 1_000), (3, 2), (3, 1_000) })
            {
                var page = await directory.SearchAsync(owner, query with { Skip = skip, Take = 5, CountLimit = countLimit });
                Assert.Equal(expected.Skip(skip).Take(5).Select(d => d.Id), page.Rows.Select(r => r.Id));
            }
        }
    }

    private sealed record EstateDevice(
        Guid MerchantId, Guid Id, Guid StoreId, string SerialNumber, string Model, int Status, bool Online, DateTimeOffset LastSeenAt);
}
