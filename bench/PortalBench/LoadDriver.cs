using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PortalBench;

/// <summary>One second of a fixed-rate phase as the machine saw it.</summary>
public readonly record struct SecondSample(double StealPercent, TimeSpan ClientGcPause);

/// <summary>What a load phase produced: successes, failures by cause, latencies, wall time and CPU of both sides.</summary>
public sealed record LoadResult(long Succeeded, long Failed, IReadOnlyDictionary<string, long> Failures, Latencies Latencies, TimeSpan Elapsed,
    TimeSpan ServerCpu, TimeSpan ClientCpu, double LoadBefore, double LoadAfter)
{
    /// <summary>Set when a fixed-rate phase stopped early: the portal fell more than two seconds of requests behind.</summary>
    public bool Overloaded { get; init; }

    /// <summary>Fixed-rate phases: each request's latency in ticks by the order it was due (0: never sent).</summary>
    public long[]? LatencyByDue { get; init; }

    /// <summary>When the phase began (UTC), to match a bad second with the portal's and the database's logs.</summary>
    public DateTime StartedAt { get; init; }

    /// <summary>
    /// How long the load generator's own garbage collections stopped it in the phase: requests due meanwhile leave late and
    /// count the delay as latency, so a client pause would look like the portal's.
    /// </summary>
    public TimeSpan ClientGcPause { get; init; }

    /// <summary>Share of the machine's CPU time the host gave to other guests during the phase (steal, /proc/stat).</summary>
    public double StealPercent { get; init; }

    /// <summary>Fixed-rate phases: the steal and the load generator's GC pause of each second of the phase, for the timeline.</summary>
    public IReadOnlyList<SecondSample>? BySecond { get; init; }

    /// <summary>p50, p99 and max of each second of a fixed-rate phase: a stall shows as one bad second, a slow server as many.</summary>
    public void PrintTimeline(double perSecond)
    {
        if (LatencyByDue is not { } byDue)
        {
            return;
        }

        for (var second = 0; second * perSecond < byDue.Length; second++)
        {
            var slice = new Latencies();
            var (from, to) = ((int)(second * perSecond), (int)Math.Min(byDue.Length, (second + 1) * perSecond));
            slice.AddRange(byDue[from..to].Where(t => t > 0).ToList());
            var sample = BySecond is { } bySecond && second < bySecond.Count
                ? $", steal {bySecond[second].StealPercent:0} %, client GC {bySecond[second].ClientGcPause.TotalMilliseconds:0} ms"
                : "";
            Console.WriteLine($"  second {second,2} ({StartedAt.AddSeconds(second):HH:mm:ss}): p50 {Report.Ms(slice.Percentile(50))}, p99 {Report.Ms(slice.Percentile(99))}, max {Report.Ms(slice.Percentile(100))}{sample}");
        }
    }

    public double PerSecond => Succeeded / Elapsed.TotalSeconds;

    public string FailureSummary => Failures.Count == 0 ? "none" : string.Join(", ", Failures.Select(f => $"{f.Key}: {f.Value}"));

    public void Print(string name)
    {
        Console.WriteLine($"{name}: {(Overloaded ? "OVERLOADED (stopped when 2 s behind), " : "")}{Report.Count(PerSecond)}/s over {Elapsed.TotalSeconds:0.0} s ({Succeeded:N0} ok, {Failed:N0} failed: {FailureSummary}); " +
                          $"p50 {Report.Ms(Latencies.Percentile(50))}, p99 {Report.Ms(Latencies.Percentile(99))}, max {Report.Ms(Latencies.Percentile(100))}; " +
                          $"server CPU {ServerCpu.TotalSeconds:0.0} s, client CPU {ClientCpu.TotalSeconds:0.0} s (GC pauses {ClientGcPause.TotalMilliseconds:0} ms); load {LoadBefore:0.0} → {LoadAfter:0.0}, steal {StealPercent:0.0} %");
    }
}

/// <summary>
/// Drives the portal over loopback HTTP/1.1 from many concurrent simulated terminals sharing a pool of persistent
/// (keep-alive) connections, one request in flight on each (<see cref="RawHttpClient"/>: a lean client of our own, so
/// the load generator takes little of the CPU it shares with the portal). Closed loop (each worker owns a connection and
/// sends its next request when the last is answered) finds the ceiling; open loop (requests leave on a fixed schedule
/// whatever the answers do, each taking the next free connection) gives honest latency at a given rate: each latency
/// counts from the moment the request was due, so a stalled server cannot hide its queue, nor a busy pool.
/// </summary>
public sealed class LoadDriver(PortalProcess portal, int connections, Func<long, LoadRequest> request, Func<HttpStatusCode, bool> succeeded) : IDisposable
{
    private readonly RawHttpClient _client = new(new Uri(portal.BaseUrl), connections);

    private long _sequence;

    public async Task<LoadResult> ClosedLoopAsync(int concurrency, TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(concurrency, _client.Connections);
        var tally = new Tally();
        var latencies = new Latencies();
        var (serverBefore, clientBefore, loadBefore, pausedBefore) = (portal.CpuTime, ClientCpu(), Report.LoadAverage(), GC.GetTotalPauseDuration());
        var machineBefore = Report.CpuTime();
        var clock = Stopwatch.StartNew();
        var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            var mine = new List<long>(4096);
            var connection = await _client.RentAsync();
            try
            {
                while (Stopwatch.GetTimestamp() < stopAt)
                {
                    var started = Stopwatch.GetTimestamp();
                    var outcome = await SendAsync(connection, Interlocked.Increment(ref _sequence));
                    mine.Add(Stopwatch.GetTimestamp() - started);
                    tally.Add(outcome);
                }
            }
            finally
            {
                _client.Return(connection);
            }

            latencies.AddRange(mine);
        })).ToArray();
        await Task.WhenAll(workers);
        clock.Stop();
        return new LoadResult(tally.Ok, tally.Failed, tally.Failures, latencies, clock.Elapsed, portal.CpuTime - serverBefore, ClientCpu() - clientBefore,
            loadBefore, Report.LoadAverage()) { ClientGcPause = GC.GetTotalPauseDuration() - pausedBefore, StealPercent = Report.StealPercent(machineBefore, Report.CpuTime()) };
    }

    public async Task<LoadResult> OpenLoopAsync(double perSecond, TimeSpan duration)
    {
        var tally = new Tally();
        var latencies = new Latencies();
        var (serverBefore, clientBefore, loadBefore, pausedBefore) = (portal.CpuTime, ClientCpu(), Report.LoadAverage(), GC.GetTotalPauseDuration());
        var machineBefore = Report.CpuTime();
        var total = (long)(perSecond * duration.TotalSeconds);
        var interval = Stopwatch.Frequency / perSecond;
        var start = Stopwatch.GetTimestamp();
        var inFlight = new List<Task>((int)Math.Min(total, 1_000_000));
        var byDue = new long[total];
        var startedAt = DateTime.UtcNow;
        long outstanding = 0;
        var overloaded = false;
        using var sampling = new CancellationTokenSource();
        var bySecond = SampleEachSecondAsync(sampling.Token);
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
            inFlight.Add(Send(i, due));
        }

        await Task.WhenAll(inFlight);
        var elapsed = Stopwatch.GetElapsedTime(start);
        await sampling.CancelAsync();
        return new LoadResult(tally.Ok, tally.Failed, tally.Failures, latencies, elapsed, portal.CpuTime - serverBefore, ClientCpu() - clientBefore,
            loadBefore, Report.LoadAverage())
        {
            Overloaded = overloaded,
            LatencyByDue = byDue,
            StartedAt = startedAt,
            ClientGcPause = GC.GetTotalPauseDuration() - pausedBefore,
            StealPercent = Report.StealPercent(machineBefore, Report.CpuTime()),
            BySecond = await bySecond,
        };

        async Task Send(long index, long due)
        {
            using var done = new Decrement(() => Interlocked.Decrement(ref outstanding));
            // Waiting for a free connection is part of the latency: a terminal's request is late however it is held up.
            var connection = await _client.RentAsync();
            string? outcome;
            try
            {
                outcome = await SendAsync(connection, Interlocked.Increment(ref _sequence));
            }
            finally
            {
                _client.Return(connection);
            }

            var latency = Stopwatch.GetTimestamp() - due;
            byDue[index] = latency;
            latencies.Add(latency);
            tally.Add(outcome);
        }
    }

    /// <summary>
    /// The host's steal and the load generator's own GC pause in each second until cancelled (a timer, so a late tick
    /// shortens the next second, not all of them): a bad second with a long client pause is the client's, not the portal's.
    /// </summary>
    private static async Task<IReadOnlyList<SecondSample>> SampleEachSecondAsync(CancellationToken ct)
    {
        var seconds = new List<SecondSample>();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var (lastCpu, lastPause) = (Report.CpuTime(), GC.GetTotalPauseDuration());
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                var (cpu, pause) = (Report.CpuTime(), GC.GetTotalPauseDuration());
                seconds.Add(new SecondSample(Report.StealPercent(lastCpu, cpu), pause - lastPause));
                (lastCpu, lastPause) = (cpu, pause);
            }
        }
        catch (OperationCanceledException)
        {
            // The phase ended.
        }

        return seconds;
    }

    public void Dispose() => _client.Dispose();

    /// <summary>
    /// Null when the answer was a success, otherwise what went wrong: the status code, or the exception's type for a
    /// socket error, a malformed answer or a timeout (the connection then reconnects for its next request).
    /// </summary>
    private async ValueTask<string?> SendAsync(RawHttpConnection connection, long sequence)
    {
        try
        {
            var status = await connection.SendAsync(request(sequence));
            return succeeded(status) ? null : ((int)status).ToString(Report.Invariant);
        }
        catch (Exception ex) when (ex is SocketException or IOException or TimeoutException)
        {
            return ex.GetType().Name;
        }
    }

    /// <summary>Successes and failures (by cause) of one phase, counted by many workers at once.</summary>
    private sealed class Tally
    {
        private long _ok;
        private long _failed;

        public long Ok => Interlocked.Read(ref _ok);
        public long Failed => Interlocked.Read(ref _failed);
        public ConcurrentDictionary<string, long> Failures { get; } = new();

        /// <param name="failure">Null for a success, otherwise its cause (<see cref="SendAsync"/>).</param>
        public void Add(string? failure)
        {
            if (failure is null)
            {
                Interlocked.Increment(ref _ok);
                return;
            }

            Interlocked.Increment(ref _failed);
            Failures.AddOrUpdate(failure, 1, (_, n) => n + 1);
        }
    }

    private sealed class Decrement(Action action) : IDisposable
    {
        public void Dispose() => action();
    }

    private static TimeSpan ClientCpu() => Process.GetCurrentProcess().TotalProcessorTime;
}
