using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace PortalBench;

/// <summary>What a load phase produced: successes, failures by cause, latencies, wall time and CPU of both sides.</summary>
public sealed record LoadResult(long Succeeded, long Failed, IReadOnlyDictionary<string, long> Failures, Latencies Latencies, TimeSpan Elapsed,
    TimeSpan ServerCpu, TimeSpan ClientCpu, double LoadBefore, double LoadAfter)
{
    /// <summary>Set when a fixed-rate phase stopped early: the portal fell more than two seconds of requests behind.</summary>
    public bool Overloaded { get; init; }

    public double PerSecond => Succeeded / Elapsed.TotalSeconds;

    public string FailureSummary => Failures.Count == 0 ? "none" : string.Join(", ", Failures.Select(f => $"{f.Key}: {f.Value}"));

    public void Print(string name)
    {
        Console.WriteLine($"{name}: {(Overloaded ? "OVERLOADED (stopped when 2 s behind), " : "")}{Report.Count(PerSecond)}/s over {Elapsed.TotalSeconds:0.0} s ({Succeeded:N0} ok, {Failed:N0} failed: {FailureSummary}); " +
                          $"p50 {Report.Ms(Latencies.Percentile(50))}, p99 {Report.Ms(Latencies.Percentile(99))}, max {Report.Ms(Latencies.Percentile(100))}; " +
                          $"server CPU {ServerCpu.TotalSeconds:0.0} s, client CPU {ClientCpu.TotalSeconds:0.0} s; load {LoadBefore:0.0} → {LoadAfter:0.0}");
    }
}

/// <summary>
/// Drives the portal over loopback HTTP/1.1 from many concurrent simulated terminals sharing a pool of keep-alive
/// connections. Closed loop (each worker sends its next request when the last is answered) finds the ceiling; open
/// loop (requests leave on a fixed schedule whatever the answers do) gives honest latency at a given rate: each latency
/// counts from the moment the request was due, so a stalled server cannot hide its queue.
/// </summary>
public sealed class LoadDriver(HttpClient client, PortalProcess portal, Func<long, HttpRequestMessage> request, Func<HttpStatusCode, bool> succeeded)
{
    public static HttpClient CreateClient(string baseUrl, int connections) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseProxy = false,
    })
    {
        BaseAddress = new Uri(baseUrl),
        Timeout = TimeSpan.FromSeconds(60),
    };

    private long _sequence;

    public async Task<LoadResult> ClosedLoopAsync(int concurrency, TimeSpan duration)
    {
        var failures = new ConcurrentDictionary<string, long>();
        var latencies = new Latencies();
        long ok = 0, failed = 0;
        var (serverBefore, clientBefore, loadBefore) = (portal.CpuTime, ClientCpu(), Report.LoadAverage());
        var clock = Stopwatch.StartNew();
        var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            var mine = new List<long>(4096);
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                var started = Stopwatch.GetTimestamp();
                var outcome = await SendAsync(Interlocked.Increment(ref _sequence));
                mine.Add(Stopwatch.GetTimestamp() - started);
                if (outcome is null)
                {
                    Interlocked.Increment(ref ok);
                }
                else
                {
                    Interlocked.Increment(ref failed);
                    failures.AddOrUpdate(outcome, 1, (_, n) => n + 1);
                }
            }

            latencies.AddRange(mine);
        })).ToArray();
        await Task.WhenAll(workers);
        clock.Stop();
        return new LoadResult(ok, failed, failures, latencies, clock.Elapsed, portal.CpuTime - serverBefore, ClientCpu() - clientBefore,
            loadBefore, Report.LoadAverage());
    }

    public async Task<LoadResult> OpenLoopAsync(double perSecond, TimeSpan duration)
    {
        var failures = new ConcurrentDictionary<string, long>();
        var latencies = new Latencies();
        long ok = 0, failed = 0;
        var (serverBefore, clientBefore, loadBefore) = (portal.CpuTime, ClientCpu(), Report.LoadAverage());
        var total = (long)(perSecond * duration.TotalSeconds);
        var interval = Stopwatch.Frequency / perSecond;
        var start = Stopwatch.GetTimestamp();
        var inFlight = new List<Task>((int)Math.Min(total, 1_000_000));
        long outstanding = 0;
        var overloaded = false;
        for (long i = 0; i < total; i++)
        {
            var due = start + (long)(i * interval);
            while (Stopwatch.GetTimestamp() < due)
            {
                await Task.Delay(1);
            }

            // More than two seconds of requests unanswered: the rate cannot be held, and going on would only grow the
            // queue (and the run time) without telling more.
            if (Interlocked.Read(ref outstanding) > perSecond * 2)
            {
                overloaded = true;
                break;
            }

            Interlocked.Increment(ref outstanding);
            inFlight.Add(Send(due));
        }

        await Task.WhenAll(inFlight);
        var elapsed = Stopwatch.GetElapsedTime(start);
        return new LoadResult(ok, failed, failures, latencies, elapsed, portal.CpuTime - serverBefore, ClientCpu() - clientBefore,
            loadBefore, Report.LoadAverage()) { Overloaded = overloaded };

        async Task Send(long due)
        {
            using var done = new Decrement(() => Interlocked.Decrement(ref outstanding));
            var outcome = await SendAsync(Interlocked.Increment(ref _sequence));
            latencies.Add(Stopwatch.GetTimestamp() - due);
            if (outcome is null)
            {
                Interlocked.Increment(ref ok);
            }
            else
            {
                Interlocked.Increment(ref failed);
                failures.AddOrUpdate(outcome, 1, (_, n) => n + 1);
            }
        }
    }

    /// <summary>Null when the answer was a success, otherwise what went wrong (status code or exception type).</summary>
    private async Task<string?> SendAsync(long sequence)
    {
        try
        {
            using var message = request(sequence);
            using var response = await client.SendAsync(message, HttpCompletionOption.ResponseContentRead);
            return succeeded(response.StatusCode) ? null : ((int)response.StatusCode).ToString(Report.Invariant);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            return ex.GetType().Name;
        }
    }

    private sealed class Decrement(Action action) : IDisposable
    {
        public void Dispose() => action();
    }

    private static TimeSpan ClientCpu() => Process.GetCurrentProcess().TotalProcessorTime;
}
