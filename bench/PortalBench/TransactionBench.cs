using System.Diagnostics;
using System.Net;
using AdminPortal.Features.Fraud.Scoring;
using AdminPortal.Features.Merchants;
using Dapper;

namespace PortalBench;

/// <summary>
/// <c>transactions --db sqlite|postgres [--terminals 4000] [--batch 500] [--concurrency 32] [--seconds 20] [--warmup 20] [--events 200000]</c>:
/// transaction events persisted and scored per second through <c>POST /api/v1/transactions</c> (each batch answered
/// after its group commit), then the per-event rule evaluation time of the portal's <see cref="FraudEngine"/> in-process.
/// </summary>
public static class TransactionBench
{
    private const string Heading = "## Fraud: transaction events persisted and scored per second";

    private const string Introduction =
        """
        `POST /api/v1/transactions` with batches of events from many terminals (each its own device credential) over loopback
        keep-alive connections, the portal in Release as its own process on a fresh database (after `seed-demo`). A 202 comes
        only after the group's transaction committed with every event stored, scored by the nine rules and its hits and alerts
        written (`TransactionIngestor`); the bench checks that the database holds at least as many events as were acknowledged.
        Events: 55% contactless, 38% chip, some swipe/keyed, 4% refunds and voids, 3% declines, 1 in 200 on 200 hot cards, from 2026-12-01 03:00 each terminal at a till's pace (a sale every 5–35 s, a batch = ~2¾ h of its store's weekday afternoon, in the store's time zone) and 4,000 terminals (before: 400, each batch within 30 s at the last 12:00 UTC).
        *per-event rule evaluation*: the portal's `FraudEngine.Score` (every rule, then the state update) timed per event
        in-process on the same stream with the seeded stores' profiles. Targets: ≥ 50,000 events/s in batches; p99 < 1 ms.
        """;

    private static readonly string[] Columns =
        ["date (UTC)", "database", "measure", "figure", "p50", "p99", "portal CPU per event", "failed", "load avg before → after", "machine", "command"];

    public static async Task<int> RunAsync(string[] args, Options options)
    {
        var terminalCount = options.Int("terminals", 4000);
        var batch = options.Int("batch", 500);
        // Batches in flight, one per connection. A closed loop cannot pass connections / latency, and a batch waits for
        // its group's commit: with 16, groups were often short of the ingest loop's 5,000 events, and 32 made 15–23 % more
        // events/s on both databases (docs/BENCHMARKS.md, update 2026-12-02 04:15–04:30). 4,000 terminals sending at
        // once would be far more.
        var concurrency = options.Int("concurrency", 32);
        var seconds = options.Int("seconds", 20);
        // A longer warm-up lets tiered compilation finish first: on a loaded 2-core machine its background JIT was a
        // third of the portal's CPU in the measured phase after 5 s (perf, 2026-12-01), not the ingest path; hence 20 s.
        var warmUpSeconds = options.Int("warmup", 20);
        var scoredEvents = options.Int("events", 200_000);
        var port = options.Int("port", 5184);

        await using var database = await BenchDatabase.CreateAsync(options.Get("db", "sqlite"), "transactions", options.Get("postgres"));
        database.Keep = options.Flag("keep");
        Console.WriteLine($"Database: {database.Label}. Seeding merchants and stores, then {terminalCount:N0} terminals…");
        await PortalProcess.RunCommandAsync(database, "seed-demo");
        var terminals = await BenchDevices.InsertAsync(database, terminalCount, withSecrets: true, serialPrefix: "BENCHTX");
        var stored0 = await CountEventsAsync(database);

        var traffic = new TransactionTraffic($"r{DateTime.UtcNow:HHmmss}");
        var authorizations = terminals.Select(t => $"Bearer {t.Secret}").ToArray();
        LoadResult result;
        await using (var portal = await PortalProcess.StartAsync(database, port, variables: options.PortalEnvironment))
        {
            Console.WriteLine($"Portal {portal.BaseUrl} (pid {portal.ProcessId}, log {portal.LogPath}).");
            using var driver = new LoadDriver(portal, concurrency, sequence =>
            {
                var i = (int)(sequence % terminals.Count);
                return new LoadRequest("/api/v1/transactions", authorizations[i], traffic.Batch(terminals[i], batch, DateTimeOffset.UtcNow));
            }, status => status == HttpStatusCode.Accepted);

            (await driver.ClosedLoopAsync(concurrency, TimeSpan.FromSeconds(warmUpSeconds))).Print("warm-up (batches)");
            var databaseCpuBefore = await database.ServerCpuTicksAsync();
            var writtenBefore = portal.BytesWritten;
            using var sampling = new CancellationTokenSource();
            var jitSampler = SampleTieredCompilationAsync(portal, sampling.Token);
            result = await driver.ClosedLoopAsync(concurrency, TimeSpan.FromSeconds(seconds));
            await sampling.CancelAsync();
            var jit = await jitSampler;
            result.Print("batches");
            var measuredEvents = Math.Max(1, result.Succeeded * batch);
            Console.WriteLine($"Portal: {(result.ServerCpu - jit).TotalMilliseconds * 1000 / measuredEvents:0.0} us CPU per acknowledged event " +
                              $"without the tiered-compilation thread ({jit.TotalSeconds:0.0} s of background JIT in the measured phase); " +
                              $"{(portal.BytesWritten - writtenBefore) / (double)measuredEvents:0} bytes written per event.");
            if (database.IsPostgres)
            {
                var used = BenchDatabase.ServerCpuBetween(databaseCpuBefore, await database.ServerCpuTicksAsync());
                Console.WriteLine($"PostgreSQL backends of the bench database: {used.TotalSeconds:0.0} s CPU, " +
                                  $"{used.TotalMilliseconds * 1000 / Math.Max(1, result.Succeeded * batch):0.0} us per acknowledged event.");
            }
        }

        var stored = await CountEventsAsync(database) - stored0;
        var hitRows = await CountAsync(database, "SELECT count(*) FROM fraud_rule_hits");
        var alerts = await CountAsync(database, "SELECT count(*) FROM fraud_alerts");
        Console.WriteLine($"{hitRows:N0} rule-hit rows ({(double)hitRows / Math.Max(1, stored):0.00} per event stored), {alerts:N0} alerts.");
        var acknowledgedEvents = result.Succeeded * batch;
        var eventsPerSecond = acknowledgedEvents / result.Elapsed.TotalSeconds;
        Console.WriteLine($"{Report.Count(eventsPerSecond)} events/s persisted and scored; {stored:N0} events stored in all, " +
                          $"{acknowledgedEvents:N0} acknowledged in the measured phase.");
        if (stored < acknowledgedEvents)
        {
            Console.Error.WriteLine("FAILED: fewer events stored than acknowledged.");
            return 1;
        }

        var scoring = await ScoreInProcessAsync(database, terminals, scoredEvents);
        Console.WriteLine($"Rule evaluation per event ({scoring.Latencies.Count:N0} events, {scoring.Alerting:N0} reaching the alert threshold): " +
                          $"p50 {Report.Ms(scoring.Latencies.Percentile(50))}, p99 {Report.Ms(scoring.Latencies.Percentile(99))}, " +
                          $"p99.9 {Report.Ms(scoring.Latencies.Percentile(99.9))}, max {Report.Ms(scoring.Latencies.Percentile(100))}; " +
                          $"{Report.Count(scoring.PerSecond)} events/s on one thread");

        if (!options.Flag("no-record"))
        {
            var command = Report.Command(args);
            var (date, machine) = (Report.Now(), Report.Machine());
            var name = database.IsPostgres ? "PostgreSQL" : "SQLite";
            Report.Append(Heading, Introduction, Columns,
            [
                date, name, $"events/s, batches of {batch}, {concurrency} connections, {terminals.Count} terminals", Report.Count(eventsPerSecond),
                Report.Ms(result.Latencies.Percentile(50)) + " per batch", Report.Ms(result.Latencies.Percentile(99)) + " per batch",
                Report.Ms(result.ServerCpu.TotalMilliseconds / Math.Max(1, acknowledgedEvents)),
                result.Failed == 0 ? "0" : $"{result.Failed:N0} ({result.FailureSummary})", $"{result.LoadBefore:0.0} → {result.LoadAfter:0.0}", machine, $"`{command}`",
            ]);
            Report.Append(Heading, Introduction, Columns,
            [
                date, "in-process", $"per-event rule evaluation, {scoring.Latencies.Count:N0} events ({scoring.Alerting:N0} reach the alert threshold)", $"{Report.Count(scoring.PerSecond)} events/s on one thread",
                Report.Ms(scoring.Latencies.Percentile(50)), Report.Ms(scoring.Latencies.Percentile(99)) + $" (p99.9 {Report.Ms(scoring.Latencies.Percentile(99.9))})",
                "–", "–", $"{scoring.LoadBefore:0.0} → {Report.LoadAverage():0.0}", machine, $"`{command}`",
            ]);
        }

        return 0;
    }

    /// <summary>
    /// CPU the portal's tiered-compilation threads used until cancelled: sampled every 100 ms because a thread that
    /// ends takes its ticks with it (at most the last 100 ms of an ending thread go uncounted).
    /// </summary>
    private static async Task<TimeSpan> SampleTieredCompilationAsync(PortalProcess portal, CancellationToken ct)
    {
        var first = portal.TieredCompilationTicks();
        var last = new Dictionary<int, long>(first);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(100, ct);
            }
            catch (OperationCanceledException)
            {
                // Take the final sample below.
            }

            foreach (var (thread, ticks) in portal.TieredCompilationTicks())
            {
                last[thread] = ticks;
            }
        }

        return TimeSpan.FromSeconds(last.Sum(t => t.Value - first.GetValueOrDefault(t.Key)) / 100.0);
    }

    private sealed record Scoring(Latencies Latencies, int Alerting, double PerSecond, double LoadBefore);

    private static async Task<Scoring> ScoreInProcessAsync(BenchDatabase database, IReadOnlyList<BenchTerminal> terminals, int count)
    {
        var engine = new FraudEngine();
        await using (var connection = await database.OpenAsync())
        {
            var stores = await connection.QueryAsync<StoreRow>(
                "SELECT merchant_id AS MerchantId, id AS Id, name AS Name, time_zone AS TimeZone, latitude AS Latitude, longitude AS Longitude FROM stores");
            foreach (var merchant in stores.GroupBy(s => s.MerchantId))
            {
                engine.UseStores(merchant.Key, merchant.ToDictionary(s => s.Id, s => new StoreProfile(new Store
                {
                    MerchantId = s.MerchantId, Id = s.Id, Name = s.Name, AddressLine = "-", City = "-", PostalCode = "-", Country = "DE",
                    TimeZone = s.TimeZone, Latitude = s.Latitude, Longitude = s.Longitude,
                    OpeningHours = OpeningHours.Weekdays(new TimeOnly(9, 0), new TimeOnly(20, 0)),
                })));
            }
        }

        var traffic = new TransactionTraffic($"s{DateTime.UtcNow:HHmmss}", seed: 11);
        var now = DateTimeOffset.UtcNow;
        // Scored in the order the ingest loop scores them: batch after batch, each one terminal's events.
        const int BatchSize = 500;
        var events = Enumerable.Range(0, (count + count / 10 + BatchSize - 1) / BatchSize)
            .Select(b => terminals[b % terminals.Count])
            .SelectMany(terminal => traffic.NextBatch(terminal, BatchSize, now).Select(item => traffic.ToEvent(item, terminal, now)))
            .Take(count + count / 10)
            .ToArray();
        var warmUp = count / 10;
        var latencies = new Latencies();
        var ticks = new List<long>(count);
        var alerting = 0;
        var loadBefore = Report.LoadAverage();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < events.Length; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var result = engine.Score(events[i]);
            var took = Stopwatch.GetTimestamp() - started;
            if (i == warmUp)
            {
                clock.Restart();
            }

            if (i >= warmUp)
            {
                ticks.Add(took);
                alerting += result.Alerts ? 1 : 0;
            }
        }

        clock.Stop();
        latencies.AddRange(ticks);
        return new Scoring(latencies, alerting, count / clock.Elapsed.TotalSeconds, loadBefore);
    }

    private sealed class StoreRow
    {
        public Guid MerchantId { get; init; }
        public Guid Id { get; init; }
        public string Name { get; init; } = "";
        public string TimeZone { get; init; } = "UTC";
        public double? Latitude { get; init; }
        public double? Longitude { get; init; }
    }

    private static Task<long> CountEventsAsync(BenchDatabase database) => CountAsync(database, "SELECT count(*) FROM fraud_events");

    private static async Task<long> CountAsync(BenchDatabase database, string sql)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(sql);
    }
}
