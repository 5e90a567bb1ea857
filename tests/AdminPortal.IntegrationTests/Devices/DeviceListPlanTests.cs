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
        var clock = new TestClock(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        var (merchant, store) = await DeviceApiHarness.AddMerchantAsync(new MerchantDirectory(connections, clock), "A");
        var estate = await InsertEstateAsync(connections, merchant.Id, store.Id, clock.GetUtcNow());
        var isPostgres = provider == DatabaseProvider.Postgres;
        await using var connection = await connections.OpenAsync();
        var directory = new DeviceDirectory(connections);
        var owner = new AccessScope(Guid.NewGuid(), false, [new MerchantGrant(merchant.Id, MerchantRole.Owner)]);

        async Task<(DevicePage Page, string Plan)> SearchAsync(DeviceQuery query)
        {
            var (page, command) = await directory.SearchWithPageCommandAsync(owner, query with { CountLimit = CountLimit });
            var text = command!.Value.CommandText;
            var plan = isPostgres
                ? await connection.QueryAsync<string>($"EXPLAIN {text}", command.Value.Parameters)
                : (await connection.QueryAsync($"EXPLAIN QUERY PLAN {text}", command.Value.Parameters)).Select(row => (string)row.detail);
            return (page, string.Join("\n", plan));
        }

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
                await connection.ExecuteAsync("ANALYZE devices");
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

    private static bool ReadsInLastContactOrder(string plan) =>
        plan.Contains("ix_devices_merchant_last_seen", StringComparison.Ordinal) || plan.Contains("ix_devices_last_seen", StringComparison.Ordinal);

    private static bool SortsEveryMatch(string plan, bool isPostgres) => isPostgres
        ? plan.Split('\n').Any(line => line.TrimStart().StartsWith("->  Sort ", StringComparison.Ordinal) || line.StartsWith("Sort ", StringComparison.Ordinal))
        : plan.Contains("USE TEMP B-TREE FOR ORDER BY", StringComparison.Ordinal);

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
