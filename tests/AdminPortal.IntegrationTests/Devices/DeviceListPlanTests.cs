using AdminPortal.Features.Devices;
using AdminPortal.Features.Merchants;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using Dapper;

namespace AdminPortal.IntegrationTests.Devices;

/// <summary>
/// The device list filtered by model or app version, now that their indexes leave out last_seen_at (migration 0078, so a
/// check-in does not rewrite them): a common value's page is read from the merchant's last-contact index in order, a
/// rare value's few devices are found by its own index and sorted. Either the other way round cost tens to hundreds of
/// milliseconds at a million devices (docs/BENCHMARKS.md).
/// </summary>
public sealed class DeviceListPlanTests
{
    // The estate's shape, scaled down: eight models and four app versions spread evenly, one rare model and one rare app
    // version on one device in 250 (12 of 3,000). The pager's count limit is scaled down with it (100 instead of 1,000),
    // so a common value's count reaches it and a rare one's does not, as at a million devices.
    private static readonly string[] Models = ["A920", "A920Pro", "A77", "IM30", "P400", "Move5000", "SUNMI P2", "V240m"];
    private static readonly string[] AppVersions = ["3.4.0", "3.5.0", "3.5.1", "3.6.0"];
    private const string RareModel = "D230", RareAppVersion = "3.7.0-pilot";
    private const int Devices = 3_000, RareEvery = 250, CountLimit = 100;

    static DeviceListPlanTests() => DapperTypeHandlers.AddJson<OpeningHours>();

    [Theory, BothDatabases]
    public async Task A_common_model_or_app_version_is_read_in_last_contact_order_and_a_rare_one_from_its_own_index(DatabaseProvider provider)
    {
        var (database, connections) = await TestDatabase.CreateMigratedAsync(provider);
        await using var _ = database;
        var (estate, searchAsync) = await ArrangeAsync(connections);
        var isPostgres = provider == DatabaseProvider.Postgres;
        await using var connection = await connections.OpenAsync();
        Task<(DevicePage Page, string Plan)> SearchAsync(DeviceQuery query) => searchAsync(connection, query);

        var cases = new (DeviceQuery Common, DeviceQuery Rare, string ValueIndex, Func<Device, string?> Value)[]
        {
            (new DeviceQuery { Model = Models[2] }, new DeviceQuery { Model = RareModel }, "ix_devices_merchant_model", d => d.Model),
            (new DeviceQuery { AppVersion = AppVersions[1] }, new DeviceQuery { AppVersion = RareAppVersion }, "ix_devices_merchant_app_version", d => d.AppVersion),
        };

        // PostgreSQL: after ANALYZE, as autovacuum leaves a table after a large insert (the planner's per-value statistics).
        // SQLite: as the portal leaves it, without sqlite_stat1 (its planner then walks an ordered index for any value),
        // and after ANALYZE (then it knows only the average value and would sort every match of any value).
        foreach (var analyzed in isPostgres ? [true] : new[] { false, true })
        {
            if (analyzed)
            {
                await connection.ExecuteAsync(isPostgres ? "ANALYZE devices, device_presence" : "ANALYZE devices");
            }

            foreach (var (common, rare, valueIndex, value) in cases)
            {
                var (commonPage, commonPlan) = await SearchAsync(common);
                var (rarePage, rarePlan) = await SearchAsync(rare);

                // The rows are right either way: newest contact first.
                DateTimeOffset[] Expected(string? wanted, int take) =>
                    estate.Where(d => value(d) == wanted).Select(d => d.LastSeenAt!.Value).OrderDescending().Take(take).ToArray();
                Assert.Equal(Expected(common.Model ?? common.AppVersion, 25), commonPage.Rows.Select(r => r.LastSeenAt!.Value));
                Assert.True(commonPage.TotalIsLowerBound);
                Assert.Equal(Expected(rare.Model ?? rare.AppVersion, 25), rarePage.Rows.Select(r => r.LastSeenAt!.Value));
                Assert.Equal((Devices / RareEvery, false), (rarePage.Total, rarePage.TotalIsLowerBound));

                // Common: a last-contact index (the merchant's; with one merchant in the table PostgreSQL may take the
                // platform-wide one), in order, without sorting every match (an incremental sort of equal last-contact
                // times by id is not that); not the value's index, whose matches would all be sorted.
                Assert.True(ReadsInLastContactOrder(commonPlan), commonPlan);
                Assert.False(commonPlan.Contains(valueIndex, StringComparison.Ordinal), commonPlan);
                Assert.False(SortsEveryMatch(commonPlan, isPostgres), commonPlan);

                // Rare: the value's own index; not a walk through the merchant's devices in last-contact order.
                Assert.True(rarePlan.Contains(valueIndex, StringComparison.Ordinal), rarePlan);
                Assert.False(ReadsInLastContactOrder(rarePlan), rarePlan);
            }
        }
    }

    // Only SQLite: there the directory chooses the plan; PostgreSQL's planner costs the walk for the page itself.
    [Fact]
    public async Task On_sqlite_a_deep_page_of_a_value_just_past_the_count_limit_sorts_its_matches_instead_of_walking()
    {
        var (database, connections) = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        await using var _ = database;
        var (estate, searchAsync) = await ArrangeAsync(connections);
        await using var connection = await connections.OpenAsync();
        var model = Models[2];
        var matches = estate.Count(d => d.Model == model);
        Assert.InRange(matches, CountLimit + 1, 4 * CountLimit); // common for page 1, not for a page near the end of the count

        // Walking the last-contact index for a page ending at row (skip + take) reads about (skip + take) ÷ (the value's
        // share) entries: fine while the value matches several times the rows the page needs, otherwise sorting its
        // matches is cheaper (at 333,000 devices, page 40 of a value on 1,279: 77 ms walked, 8 ms sorted).
        var nearTheEnd = new DeviceQuery { Model = model, Skip = matches / DeviceDirectory.WalkMargin };
        var (deepPage, deepPlan) = await searchAsync(connection, nearTheEnd);
        var (firstPage, firstPlan) = await searchAsync(connection, nearTheEnd with { Skip = 0 });

        var newestFirst = estate.Where(d => d.Model == model).Select(d => d.LastSeenAt!.Value).OrderDescending().ToList();
        Assert.Equal(newestFirst.Skip(nearTheEnd.Skip).Take(25), deepPage.Rows.Select(r => r.LastSeenAt!.Value));
        Assert.Equal(newestFirst.Take(25), firstPage.Rows.Select(r => r.LastSeenAt!.Value));
        // The pager's count is what it was: up to the end of the page, a lower bound.
        Assert.Equal((nearTheEnd.Skip + 25L, true), (deepPage.Total, deepPage.TotalIsLowerBound));
        Assert.True(deepPlan.Contains("ix_devices_merchant_model", StringComparison.Ordinal), deepPlan);
        Assert.True(ReadsInLastContactOrder(firstPlan), firstPlan);
    }

    /// <summary>
    /// One merchant's estate, and a search as its owner (count limit scaled down) that returns the page and how the
    /// database executes the page's statement.
    /// </summary>
    private static async Task<(IReadOnlyList<Device> Estate, Func<System.Data.Common.DbConnection, DeviceQuery, Task<(DevicePage, string)>> SearchAsync)>
        ArrangeAsync(IDbConnectionFactory connections)
    {
        var clock = new TestClock(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        var (merchant, store) = await DeviceApiHarness.AddMerchantAsync(new MerchantDirectory(connections, clock), "A");
        var estate = await InsertEstateAsync(connections, merchant.Id, store.Id, clock.GetUtcNow());
        var directory = new DeviceDirectory(connections);
        var owner = new AccessScope(Guid.NewGuid(), false, [new MerchantGrant(merchant.Id, MerchantRole.Owner)]);
        var isPostgres = connections.Dialect.IsPostgres;

        async Task<(DevicePage, string)> SearchAsync(System.Data.Common.DbConnection connection, DeviceQuery query)
        {
            var (page, command) = await directory.SearchWithPageCommandAsync(owner, query with { CountLimit = CountLimit });
            var text = command!.Value.CommandText;
            var plan = isPostgres
                ? await connection.QueryAsync<string>($"EXPLAIN {text}", command.Value.Parameters)
                : (await connection.QueryAsync($"EXPLAIN QUERY PLAN {text}", command.Value.Parameters)).Select(row => (string)row.detail);
            return (page, string.Join("\n", plan));
        }

        return (estate, SearchAsync);
    }

    // On PostgreSQL the last-contact indexes are device_presence's (migration 0082).
    private static bool ReadsInLastContactOrder(string plan) =>
        plan.Contains("ix_devices_merchant_last_seen", StringComparison.Ordinal) || plan.Contains("ix_devices_last_seen", StringComparison.Ordinal)
        || plan.Contains("ix_device_presence_merchant_last_seen", StringComparison.Ordinal) || plan.Contains("ix_device_presence_last_seen", StringComparison.Ordinal);

    // On PostgreSQL the sort whose key is the page's own (the page's ids walked from device_presence, then joined to their
    // devices) orders that page's rows, not every match.
    private static bool SortsEveryMatch(string plan, bool isPostgres)
    {
        if (!isPostgres)
        {
            return plan.Contains("USE TEMP B-TREE FOR ORDER BY", StringComparison.Ordinal);
        }

        var lines = plan.Split('\n');
        return lines.Where((line, i) => (line.TrimStart().StartsWith("->  Sort ", StringComparison.Ordinal) || line.StartsWith("Sort ", StringComparison.Ordinal))
            && !(i + 1 < lines.Length && lines[i + 1].Contains("page_last_seen_at", StringComparison.Ordinal))).Any();
    }

    /// <summary>One merchant's devices, last contact one second apart in a shuffled order.</summary>
    private static async Task<IReadOnlyList<Device>> InsertEstateAsync(IDbConnectionFactory connections, Guid merchantId, Guid storeId, DateTimeOffset now)
    {
        var random = new Random(78);
        var lastSeen = Enumerable.Range(0, Devices).Select(i => now.AddSeconds(-i)).OrderBy(_ => random.Next()).ToArray();
        var estate = Enumerable.Range(0, Devices).Select(i => new Device
        {
            MerchantId = merchantId, Id = Guid.NewGuid(), StoreId = storeId, SerialNumber = $"SN-{i:D5}", LastSeenAt = lastSeen[i],
            Model = i % RareEvery == 3 ? RareModel : Models[i % Models.Length],
            AppVersion = i % RareEvery == 7 ? RareAppVersion : AppVersions[i % AppVersions.Length],
        }).ToList();
        await using var connection = await connections.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync(
            """
            INSERT INTO devices (merchant_id, id, store_id, serial_number, model, status, app_version, check_in_interval_seconds, is_online,
                                 last_seen_at, created_at, updated_at)
            VALUES (@MerchantId, @Id, @StoreId, @SerialNumber, @Model, 1, @AppVersion, 300, @Online, @LastSeenAt, @LastSeenAt, @LastSeenAt)
            """,
            estate.Select(d => new { d.MerchantId, d.Id, d.StoreId, d.SerialNumber, d.Model, d.AppVersion, Online = true, d.LastSeenAt }), transaction);
        await transaction.CommitAsync();
        return estate;
    }
}
