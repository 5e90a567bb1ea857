using System.Diagnostics;
using AdminPortal.Features.Devices;
using AdminPortal.Features.Merchants.Access;
using Dapper;

namespace PortalBench;

/// <summary>
/// <c>device-list --db sqlite|postgres [--devices 1000000] [--repeat 30] [--note "what differs"]</c>: the device list's filter + page (rows and
/// the pager's count) over a large estate, timed through the portal's own <see cref="DeviceDirectory.SearchAsync"/>.
/// </summary>
public static class DeviceListBench
{
    private const string Heading = "## Devices: device list filter + page over 1,000,000 devices";

    private const string Introduction =
        """
        `DeviceDirectory.SearchAsync` (what the device list page and its pager call: one page of rows plus the count) timed
        in-process against a fresh database holding the seeded stores and 1,000,000 devices spread over 3 merchants (~333,000
        each): 8 models, 4 app versions (and, since branch checkins4 on 2026-12-01, a rare model and a rare app version, one device in 499 each), 94% active, 0.1% tampered, last contact spread over 30 days; `ANALYZE` run (PostgreSQL: `VACUUM ANALYZE`, as autovacuum would). Ten
        (since branch checkins4 thirteen: a rare model, a rare app version, a common model's last pager page) queries a person makes, each timed `--repeat` times after one warm-up: a merchant owner's first page by last contact,
        the platform-wide first page, a serial prefix search, status / model / app-version / offline filters, sort by serial,
        page 10, and the last page the pager reaches (offset 9,975 while the count stopped at 10,000; 975 since it stops at
        1,000). Target: p95 < 50 ms.
        """;

    private static readonly string[] Columns =
        ["date (UTC)", "database", "queries", "p50", "p95", "max", "slowest query (its p95)", "load avg before → after", "machine", "command"];

    public static async Task<int> RunAsync(string[] args, Options options)
    {
        var count = options.Int("devices", 1_000_000);
        var repeat = options.Int("repeat", 30);

        await using var database = await BenchDatabase.CreateAsync(options.Get("db", "sqlite"), "devicelist", options.Get("postgres"));
        database.Keep = options.Flag("keep");
        Console.WriteLine($"Database: {database.Label}. Seeding merchants and stores, then {count:N0} devices…");
        await PortalProcess.RunCommandAsync(database, "seed-demo");
        var insert = Stopwatch.StartNew();
        await BenchDevices.InsertAsync(database, count, withSecrets: false, serialPrefix: "EST");
        Console.WriteLine($"Inserted in {insert.Elapsed.TotalSeconds:0} s.");

        Guid merchant;
        await using (var connection = await database.OpenAsync())
        {
            merchant = await connection.QueryFirstAsync<Guid>("SELECT merchant_id FROM devices GROUP BY merchant_id ORDER BY count(*) DESC LIMIT 1");
        }

        var owner = new AccessScope(Guid.NewGuid(), false, [new MerchantGrant(merchant, MerchantRole.Owner)], "bench owner");
        var admin = AccessScope.PlatformAdmin(Guid.NewGuid(), "bench admin");
        var queries = new (string Name, AccessScope Scope, DeviceQuery Query)[]
        {
            ("owner, page 1 by last contact", owner, new DeviceQuery()),
            ("platform admin, page 1, all merchants", admin, new DeviceQuery()),
            ("serial prefix search", owner, new DeviceQuery { Search = "EST00012" }),
            ("status = locked", owner, new DeviceQuery { Status = DeviceStatus.Locked }),
            ("model = A77", owner, new DeviceQuery { Model = "A77" }),
            ("app version = 3.4.0", owner, new DeviceQuery { AppVersion = "3.4.0" }),
            ($"model = {BenchDevices.RareModel} (rare)", owner, new DeviceQuery { Model = BenchDevices.RareModel }),
            ($"app version = {BenchDevices.RareAppVersion} (rare)", owner, new DeviceQuery { AppVersion = BenchDevices.RareAppVersion }),
            ($"model = A77, last pager page", owner, new DeviceQuery { Model = "A77", Skip = DeviceQuery.DefaultCountLimit - 25 }),
            ("offline", owner, new DeviceQuery { Online = false }),
            ("sort by serial", owner, new DeviceQuery { Sort = DeviceSort.Serial, Descending = false }),
            ("page 10", owner, new DeviceQuery { Skip = 225 }),
            ($"last pager page (offset {DeviceQuery.DefaultCountLimit - 25:N0})", owner, new DeviceQuery { Skip = DeviceQuery.DefaultCountLimit - 25 }),
        };

        var directory = new DeviceDirectory(database);
        var all = new Latencies();
        var perQuery = new List<(string Name, Latencies Latencies, long Total)>();
        var loadBefore = Report.LoadAverage();
        foreach (var (name, scope, query) in queries)
        {
            var latencies = new Latencies();
            var page = await directory.SearchAsync(scope, query);
            for (var i = 0; i < repeat; i++)
            {
                var started = Stopwatch.GetTimestamp();
                page = await directory.SearchAsync(scope, query);
                var took = Stopwatch.GetTimestamp() - started;
                latencies.Add(took);
                all.Add(took);
            }

            perQuery.Add((name, latencies, page.Total));
            Console.WriteLine($"  {name,-40} p50 {Report.Ms(latencies.Percentile(50)),9}  p95 {Report.Ms(latencies.Percentile(95)),9}  " +
                              $"({page.Rows.Count} rows, count {page.Total:N0})");
        }

        var slowest = perQuery.MaxBy(q => q.Latencies.Percentile(95));
        Console.WriteLine($"All {all.Count} queries: p50 {Report.Ms(all.Percentile(50))}, p95 {Report.Ms(all.Percentile(95))}, max {Report.Ms(all.Percentile(100))}; " +
                          $"slowest: {slowest.Name} (p95 {Report.Ms(slowest.Latencies.Percentile(95))})");

        if (!options.Flag("no-record"))
        {
            Report.Append(Heading, Introduction, Columns,
            [
                Report.Now(), (database.IsPostgres ? "PostgreSQL" : "SQLite") + (options.Get("note") is { } note ? $" ({note})" : ""), $"{queries.Length} × {repeat}", Report.Ms(all.Percentile(50)),
                Report.Ms(all.Percentile(95)), Report.Ms(all.Percentile(100)), $"{slowest.Name} ({Report.Ms(slowest.Latencies.Percentile(95))})",
                $"{loadBefore:0.0} → {Report.LoadAverage():0.0}", Report.Machine(), $"`{Report.Command(args)}`",
            ]);
        }

        return 0;
    }
}
