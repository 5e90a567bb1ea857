using System.Diagnostics;
using Microsoft.Win32.SafeHandles;

namespace PortalBench;

/// <summary>
/// <c>disk [--wal-mbps 67] [--db-mbps 35] [--db-sequential] [--seconds 60] [--rate 5000] [--dir /tmp]</c>: the disk alone, under the write
/// pattern SQLite's group commit gives it at 5,000 check-ins/s, with no portal and no database. It tells whether a
/// check-in p99 under 50 ms is within the disk's reach before the portal is blamed or credited for it.
/// </summary>
/// <remarks>
/// The three threads do what <c>SqliteGroupCommit</c>'s do, with files of the same sizes: one appends to a 256 MB
/// write-ahead log (starting over at its end, as the WAL restart does) at the measured byte rate; one <c>fsync</c>s that file
/// whenever something was appended since its last sync; one writes scattered 4 KB pages into a 256 MB database file once
/// a second and <c>fsync</c>s it (the checkpoint). The default rates are what the portal wrote at 5,000 check-ins/s
/// (docs/BENCHMARKS.md, update 2026-12-02 10:21–11:42). A check-in is acknowledged when the first WAL sync that began
/// after its commit ends, so the syncs' timeline gives the least latency the disk allows a steady <c>--rate</c> of
/// commits: the figure printed as "disk-only check-in latency". The portal's own work only adds to it.
/// <c>--db-sequential</c> writes the checkpoint's pages side by side from a random start instead (a diagnosis: as many
/// bytes, far fewer separate writes).
/// </remarks>
public static class DiskBench
{
    private const string Heading = "## Disk: WAL sync under the portal's write pattern, without the portal";

    private const string Introduction =
        """
        `bench/PortalBench -- disk`: three threads write what SQLite's group commit writes at 5,000 check-ins/s, with no portal
        and no database: appends to a 256 MB write-ahead log at `--wal-mbps`, an `fsync` of it whenever something was appended
        since the last one, and once a second `--db-mbps` of scattered 4 KB pages into a 256 MB database file followed by its
        `fsync` (the checkpoint). The files are written in full before the measure, as a database's are. *disk-only check-in
        latency*: for commits arriving steadily at `--rate`, the time until the first sync that began after each one ended,
        the least latency the disk allows whatever the portal does. Target of the check-ins it bounds: p99 < 50 ms at 5,000/s.
        """;

    private static readonly string[] Columns =
        ["date (UTC)", "WAL MB/s", "database MB/s", "seconds", "syncs", "sync p50", "sync p99", "sync max", "syncs ≥ 100 ms",
         "disk-only check-in p50 at --rate", "disk-only check-in p99", "load avg before → after", "machine", "command"];

    private const int PageSize = 4096;
    private const long FileSize = 256L << 20;
    private const int AppendSize = 32 * PageSize;

    public static Task<int> RunAsync(string[] args, Options options)
    {
        var walBytesPerSecond = options.Double("wal-mbps", 67) * 1e6;
        var databaseBytesPerSecond = options.Double("db-mbps", 35) * 1e6;
        var databaseSequential = options.Flag("db-sequential");
        var seconds = options.Int("seconds", 60);
        var rate = options.Double("rate", 5000);
        var directory = options.Get("dir", Path.GetTempPath());
        if (walBytesPerSecond <= 0 || databaseBytesPerSecond < 0 || seconds <= 0 || rate <= 0)
        {
            Console.Error.WriteLine("--wal-mbps, --seconds and --rate must be above 0, --db-mbps at least 0.");
            return Task.FromResult(2);
        }

        var walPath = Path.Combine(directory, $"portal-bench-disk-{Environment.ProcessId}.wal");
        var databasePath = Path.Combine(directory, $"portal-bench-disk-{Environment.ProcessId}.db");
        try
        {
            using var wal = File.OpenHandle(walPath, FileMode.Create, FileAccess.ReadWrite);
            using var database = File.OpenHandle(databasePath, FileMode.Create, FileAccess.ReadWrite);
            Console.WriteLine($"Writing the two 256 MB files in {directory}…");
            FillAndSync(wal);
            FillAndSync(database);

            var loadBefore = Report.LoadAverage();
            Console.WriteLine($"Measuring for {seconds} s: WAL {walBytesPerSecond / 1e6:0} MB/s, database {databaseBytesPerSecond / 1e6:0} MB/s " +
                              $"{(databaseSequential ? "side by side" : "scattered")} once a second…");
            var run = new DiskRun(wal, database, walBytesPerSecond, databaseBytesPerSecond, databaseSequential);
            var syncs = run.Measure(TimeSpan.FromSeconds(seconds));

            var durations = new Latencies();
            foreach (var sync in syncs)
            {
                durations.Add(sync.End - sync.Start);
            }

            var slow = syncs.Count(s => Stopwatch.GetElapsedTime(s.Start, s.End) >= TimeSpan.FromMilliseconds(100));
            var acknowledgements = DiskOnlyLatencies(syncs, rate);
            Console.WriteLine($"WAL syncs: {syncs.Count:N0}, p50 {Report.Ms(durations.Percentile(50))}, p99 {Report.Ms(durations.Percentile(99))}, " +
                              $"p99.9 {Report.Ms(durations.Percentile(99.9))}, max {Report.Ms(durations.Percentile(100))}; {slow} of 100 ms or more.");
            Console.WriteLine($"Disk-only check-in latency at {rate:N0}/s: p50 {Report.Ms(acknowledgements.Percentile(50))}, " +
                              $"p99 {Report.Ms(acknowledgements.Percentile(99))}, max {Report.Ms(acknowledgements.Percentile(100))}.");

            if (!options.Flag("no-record"))
            {
                Report.Append(Heading, Introduction, Columns,
                [
                    Report.Now(), $"{walBytesPerSecond / 1e6:0}", $"{databaseBytesPerSecond / 1e6:0}{(databaseSequential ? " side by side" : "")}", $"{seconds}", Report.Count(syncs.Count),
                    Report.Ms(durations.Percentile(50)), Report.Ms(durations.Percentile(99)), Report.Ms(durations.Percentile(100)), $"{slow}",
                    Report.Ms(acknowledgements.Percentile(50)), Report.Ms(acknowledgements.Percentile(99)),
                    $"{loadBefore:0.0} → {Report.LoadAverage():0.0}", Report.Machine(), $"`{Report.Command(args)}`",
                ]);
            }

            return Task.FromResult(0);
        }
        finally
        {
            File.Delete(walPath);
            File.Delete(databasePath);
        }
    }

    /// <summary>
    /// For commits at <paramref name="rate"/> a second over the measured time, how long each waits for the end of the first
    /// sync that began after it (syncs are in the order they began, one at a time). Commits after the last sync's start are
    /// left out: no sync of the run covers them.
    /// </summary>
    internal static Latencies DiskOnlyLatencies(IReadOnlyList<(long Start, long End)> syncs, double rate)
    {
        var latencies = new Latencies();
        if (syncs.Count < 2)
        {
            return latencies;
        }

        var ticksBetweenCommits = Stopwatch.Frequency / rate;
        var next = 1;
        var waits = new List<long>();
        for (var commit = (double)syncs[0].Start; commit < syncs[^1].Start; commit += ticksBetweenCommits)
        {
            while (syncs[next].Start < commit)
            {
                next++;
            }

            waits.Add(syncs[next].End - (long)commit);
        }

        latencies.AddRange(waits);
        return latencies;
    }

    private static void FillAndSync(SafeFileHandle file)
    {
        var block = new byte[1 << 20];
        Random.Shared.NextBytes(block);
        for (long offset = 0; offset < FileSize; offset += block.Length)
        {
            RandomAccess.Write(file, block, offset);
        }

        RandomAccess.FlushToDisk(file);
    }

    /// <summary>The writer, the WAL's syncer and the checkpoint, as threads of their own for one measure.</summary>
    private sealed class DiskRun(SafeFileHandle wal, SafeFileHandle database, double walBytesPerSecond, double databaseBytesPerSecond, bool databaseSequential)
    {
        private readonly SemaphoreSlim _appended = new(0);
        private readonly List<(long Start, long End)> _syncs = new(1 << 16);
        private volatile bool _stopping;

        public List<(long Start, long End)> Measure(TimeSpan duration)
        {
            var threads = new[]
            {
                new Thread(AppendToWal) { Name = "WAL writer" },
                new Thread(SyncWal) { Name = "WAL sync" },
                new Thread(Checkpoint) { Name = "checkpoint" },
            };
            foreach (var thread in threads)
            {
                thread.Start();
            }

            Thread.Sleep(duration);
            _stopping = true;
            _appended.Release();
            foreach (var thread in threads)
            {
                thread.Join();
            }

            return _syncs;
        }

        // Appends in 128 KB pieces (a group of ~10 check-ins' frames) on schedule, waking the syncer after each.
        private void AppendToWal()
        {
            var piece = new byte[AppendSize];
            Random.Shared.NextBytes(piece);
            var started = Stopwatch.GetTimestamp();
            long written = 0, offset = 0;
            while (!_stopping)
            {
                if (written >= Stopwatch.GetElapsedTime(started).TotalSeconds * walBytesPerSecond)
                {
                    Thread.Sleep(1);
                    continue;
                }

                offset = offset + AppendSize > FileSize ? 0 : offset;
                RandomAccess.Write(wal, piece, offset);
                offset += AppendSize;
                written += AppendSize;
                if (_appended.CurrentCount == 0)
                {
                    _appended.Release();
                }
            }
        }

        private void SyncWal()
        {
            while (true)
            {
                _appended.Wait();
                if (_stopping)
                {
                    return;
                }

                // What was appended by now is covered by this sync; what comes during it waits for the next one.
                while (_appended.CurrentCount > 0)
                {
                    _appended.Wait();
                }

                var start = Stopwatch.GetTimestamp();
                RandomAccess.FlushToDisk(wal);
                _syncs.Add((start, Stopwatch.GetTimestamp()));
                if (_stopping)
                {
                    return;
                }
            }
        }

        private void Checkpoint()
        {
            var page = new byte[PageSize];
            Random.Shared.NextBytes(page);
            var pagesPerSecond = (int)(databaseBytesPerSecond / PageSize);
            var pagesInFile = FileSize / PageSize;
            while (!_stopping)
            {
                var started = Stopwatch.GetTimestamp();
                var first = Random.Shared.NextInt64(pagesInFile - pagesPerSecond);
                for (var i = 0; i < pagesPerSecond && !_stopping; i++)
                {
                    var pageNumber = databaseSequential ? first + i : Random.Shared.NextInt64(pagesInFile);
                    RandomAccess.Write(database, page, pageNumber * PageSize);
                }

                RandomAccess.FlushToDisk(database);
                var rest = TimeSpan.FromSeconds(1) - Stopwatch.GetElapsedTime(started);
                if (rest > TimeSpan.Zero && !_stopping)
                {
                    Thread.Sleep(rest);
                }
            }
        }
    }
}
