using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using AdminPortal.Infrastructure.Database;
using Dapper;

namespace PortalBench;

/// <summary>
/// <c>checkins --db sqlite|postgres [--terminals 20000] [--concurrency 1024] [--seconds 20] [--warmup 20] [--rate 5000] [--fixed-seconds 45] [--keys] [--cached] [--timeline]</c>:
/// durable device check-ins per second (each answered only after its group commit) and p50/p99 latency, first as fast
/// as the portal goes (closed loop), then at a fixed rate (open loop). <c>--keys</c>: every request carries its own
/// Idempotency-Key, as a terminal that resends lost answers does (the history row then also enters the key's unique index).
/// <c>--timeline</c>: the fixed-rate phase's p50, p99 and max second by second. <c>--cached</c>: the portal keeps its device
/// identity cache (60 s), which the bench's terminals, calling every few seconds, nearly always hit; by default it is off,
/// so that every check-in looks its terminal up as at a real estate's 5-minute interval.
/// </summary>
public static class CheckInBench
{
    private const string Heading = "## Devices: durable check-ins per second";

    private const string Introduction =
        """
        `POST /api/v1/devices/checkin` from many simulated terminals (each its own device credential; the product's per-device
        rate limit applies) over loopback HTTP/1.1 keep-alive connections, the portal in Release as its own process on a fresh
        database. Every 200 is acknowledged only after the check-in's transaction committed (group commit, `CheckInWriter`); the
        bench checks afterwards that the database holds at least as many check-in rows as it got 200s. *max rate*: closed loop
        (each connection sends again when answered). *fixed rate*: requests leave on schedule, latency counted from the moment a
        request was due. Every check-in looks its terminal's identity up, as at a real estate's 5-minute interval (rows up to
        2026-12-03 07:27 ran with the portal's identity cache, which the bench's terminals, calling every few seconds, hit).
        CPU per check-in is the portal process's CPU time divided by the check-ins it acknowledged; the load generator ran on
        the same two cores (its CPU is in the client column). Targets: ≥ 10,000/s; p99 < 50 ms at 5,000/s.
        """;

    private static readonly string[] Columns =
        ["date (UTC)", "database", "phase", "check-ins/s", "p50", "p99", "portal CPU per check-in", "client CPU", "failed", "load avg before → after", "machine", "command"];

    public static async Task<int> RunAsync(string[] args, Options options)
    {
        var terminalsWanted = options.Int("terminals", 20_000);
        // Connections, each with one check-in in flight. A closed loop over N connections cannot pass N / latency, and a
        // check-in's latency is at least one group commit, whose fsync takes 10-30 ms on this disk under load: 64
        // connections capped the measure near 6,000/s with a core still idle (docs/BENCHMARKS.md, update
        // 2026-12-01 16:07–17:25). The fixed-rate phase shares the pool, and a request due while every connection is busy
        // waits for one: with 256, 5,000/s fills the pool as soon as a check-in takes 51 ms, and the phase then measured
        // the client's queue (p50 281–598 ms while the portal's writer answered at p50 31–38 ms; update 2026-12-02 02:17–03:26).
        // A node serving millions of terminals holds thousands of connections, so 1,024 is still few.
        var concurrency = options.Int("concurrency", 1024);
        var seconds = options.Int("seconds", 20);
        // The portal serves for days, so the measure is of its steady state: the warm-up lets tiered compilation finish. After
        // 5 s its background JIT still took 12.5 % of the machine's CPU in the measured phase (perf -a, 2026-12-02 06:29), and
        // PostgreSQL's maximum rate was 8,374/s against 13,030/s after 20 s (portal CPU per check-in 58 instead of ~100 µs).
        var warmUpSeconds = options.Int("warmup", 20);
        var withKeys = options.Flag("keys");
        // A real terminal checks in every five minutes, long after its identity left the portal's cache (a minute): every
        // check-in is a lookup. The bench's terminals come back every few seconds, so without this they would all be hits.
        var cached = options.Flag("cached");
        var portalEnvironment = (cached ? [] : new[] { "Devices__IdentityCacheSeconds=0" }).Concat(options.PortalEnvironment);
        var rate = options.Double("rate", 5000);
        var fixedSeconds = options.Int("fixed-seconds", 45);
        var port = options.Int("port", 5184);

        await using var database = await BenchDatabase.CreateAsync(options.Get("db", "sqlite"), "checkins", options.Get("postgres"));
        database.Keep = options.Flag("keep");
        var serverSettings = await database.ServerSettingsAsync();
        Console.WriteLine($"Database: {database.Label}{(serverSettings.Length > 0 ? $", {serverSettings}" : "")}. Seeding merchants and stores, then {terminalsWanted:N0} terminals…");
        await PortalProcess.RunCommandAsync(database, "seed-demo");
        var terminals = await BenchDevices.InsertAsync(database, terminalsWanted, withSecrets: true, serialPrefix: "BENCH");

        await using var portal = await PortalProcess.StartAsync(database, port, variables: portalEnvironment);
        Console.WriteLine($"Portal {portal.BaseUrl} (pid {portal.ProcessId}, log {portal.LogPath}).");
        var bodies = terminals.Select(Body).ToArray();
        var authorizations = terminals.Select(t => $"Bearer {t.Secret}").ToArray();
        using var driver = new LoadDriver(portal, concurrency, sequence =>
        {
            var i = (int)(sequence % terminals.Count);
            return new LoadRequest("/api/v1/devices/checkin", authorizations[i], bodies[i],
                withKeys ? string.Create(CultureInfo.InvariantCulture, $"bench:{sequence}") : null);
        }, status => status == HttpStatusCode.OK);

        var warmUp = await driver.ClosedLoopAsync(concurrency, TimeSpan.FromSeconds(warmUpSeconds));
        warmUp.Print("warm-up");
        var before = await CountCheckInsAsync(database);
        var serverCpu = await database.ServerCpuTicksAsync();
        var max = await driver.ClosedLoopAsync(concurrency, TimeSpan.FromSeconds(seconds));
        max.Print("max rate");
        serverCpu = await PrintServerCpuAsync(database, serverCpu, max);
        // The fixed-rate phase measures its own writes, not the maximum-rate phase's: those are put on disk first. It runs
        // long enough for the kernel to write back its own first pages (30 s after they were dirtied) while it is measured.
        await database.SettleWritesAsync();
        // A token refill pause so the fixed-rate phase starts with every terminal inside its rate limit again.
        await Task.Delay(TimeSpan.FromSeconds(3));
        serverCpu = await database.ServerCpuTicksAsync();
        var paced = await driver.OpenLoopAsync(rate, TimeSpan.FromSeconds(fixedSeconds));
        paced.Print($"fixed {rate:N0}/s");
        await PrintServerCpuAsync(database, serverCpu, paced);
        if (options.Flag("timeline"))
        {
            paced.PrintTimeline(rate);
        }

        if (!database.IsPostgres)
        {
            PrintSlowWalSyncs(portal.LogPath, paced.StartedAt);
        }

        var stored = await CountCheckInsAsync(database) - before;
        var acknowledged = max.Succeeded + paced.Succeeded;
        Console.WriteLine($"Durability check: {acknowledged:N0} acknowledged, {stored:N0} stored in those phases.");
        if (stored < acknowledged)
        {
            Console.Error.WriteLine("FAILED: fewer check-ins stored than acknowledged.");
            return 1;
        }

        if (!options.Flag("no-record"))
        {
            var command = Report.Command(args);
            var (date, machine) = (Report.Now(), Report.Machine());
            foreach (var (phase, result) in new[]
                     {
                         ($"max rate, {concurrency} connections, {terminals.Count:N0} terminals{(cached ? ", identities cached" : "")}", max),
                         (paced.Overloaded
                             ? $"fixed {rate:N0}/s, {concurrency} connections: not sustained (stopped when 2 s behind)"
                             : $"fixed {rate:N0}/s for {fixedSeconds} s, {concurrency} connections{(cached ? ", identities cached" : "")}", paced),
                     })
            {
                Report.Append(Heading, Introduction, Columns,
                [
                    date, database.IsPostgres ? "PostgreSQL" + (serverSettings.Length > 0 ? $" ({serverSettings})" : "") : "SQLite", phase, Report.Count(result.PerSecond), Report.Ms(result.Latencies.Percentile(50)),
                    Report.Ms(result.Latencies.Percentile(99)), Report.Ms(result.ServerCpu.TotalMilliseconds / Math.Max(1, result.Succeeded)),
                    $"{result.ClientCpu.TotalSeconds:0.0} s", result.Failed == 0 ? "0" : $"{result.Failed:N0} ({result.FailureSummary})",
                    $"{result.LoadBefore:0.0} → {result.LoadAfter:0.0}, steal {result.StealPercent:0.0} %", machine, $"`{command}`",
                ]);
            }
        }

        return 0;
    }

    /// <summary>
    /// What the portal's log says about the disk during a phase: the slow-sync warnings of SQLite's group commit (at most
    /// one every 10 s, each with the number of slow syncs since the last and the slowest), so that a bad p99 can be told
    /// from a slow disk. The syncs after the phase's last warning are not in it yet, hence "at least".
    /// </summary>
    private static void PrintSlowWalSyncs(string logPath, DateTime since)
    {
        var (syncs, slowestMs, threshold) = (0L, 0L, 0L);
        using var log = new FileStream(logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(log);
        while (reader.ReadLine() is { } line)
        {
            if (!line.StartsWith('{') || !line.Contains($"\"EventId\":{SqliteGroupCommit.SlowWalSync.Id},", StringComparison.Ordinal))
            {
                continue;
            }

            using var entry = JsonDocument.Parse(line);
            var root = entry.RootElement;
            // The console formatter's timestamp format ends in a space, which GetDateTime refuses.
            var at = DateTime.Parse(root.GetProperty("Timestamp").GetString()!.Trim(), CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
            if (at < since)
            {
                continue;
            }

            var state = root.GetProperty("State");
            syncs += state.GetProperty("SlowSyncs").GetInt64();
            slowestMs = Math.Max(slowestMs, state.GetProperty("SlowestMs").GetInt64());
            threshold = state.GetProperty("ThresholdMs").GetInt64();
        }

        Console.WriteLine(syncs == 0
            ? "Slow WAL syncs in the fixed-rate phase: none reported."
            : $"Slow WAL syncs in the fixed-rate phase: at least {syncs} of {threshold} ms or more, the slowest {slowestMs} ms (the portal's warnings).");
    }

    /// <summary>A healthy terminal's report, near its store: the common case, which raises no alert.</summary>
    private static byte[] Body(BenchTerminal terminal) => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
    {
        osVersion = "Android 11",
        firmwareVersion = "FW 2.1",
        appVersion = "3.5.1",
        batteryPercent = 80,
        network = new { type = "wifi", encrypted = true },
        location = terminal.StoreLatitude is { } lat && terminal.StoreLongitude is { } lon ? new { lat = lat + 0.0005, lon, accuracyMeters = 25.0 } : null,
        tamper = new { state = "ok" },
        security = new { rooted = false, p2peKeysLoaded = true },
    }));

    /// <summary>
    /// PostgreSQL: what the bench database's backends used in the phase, beside the portal's own CPU (the server shares the
    /// two cores). Returns a new snapshot for the next phase.
    /// </summary>
    private static async Task<IReadOnlyDictionary<int, long>> PrintServerCpuAsync(BenchDatabase database, IReadOnlyDictionary<int, long> before,
        LoadResult phase)
    {
        var after = await database.ServerCpuTicksAsync();
        if (database.IsPostgres)
        {
            var used = BenchDatabase.ServerCpuBetween(before, after);
            Console.WriteLine($"  PostgreSQL backends of the bench database: {used.TotalSeconds:0.0} s CPU " +
                              $"({used.TotalSeconds / phase.Elapsed.TotalSeconds:P0} of a core), " +
                              $"{used.TotalMilliseconds * 1000 / Math.Max(1, phase.Succeeded):0} us per check-in.");
        }

        return after;
    }

    private static async Task<long> CountCheckInsAsync(BenchDatabase database)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM device_check_ins");
    }
}
