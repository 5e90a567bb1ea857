using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Data.Sqlite;

namespace AdminPortal.Infrastructure.Database;

/// <summary>
/// Takes the disk off the critical path of the SQLite group-commit writers (check-ins, transaction events).
/// Measured on their single writer loops (docs/BENCHMARKS.md, 2026-12-01 10:40): a third to a half of the loop's time
/// was waiting for the disk, not working: the commit's <c>fsync</c> of the WAL (8–15 ms) and the automatic checkpoint that
/// SQLite runs inside the committing call (31–52 ms, copying the WAL back into the database and syncing it).
/// <list type="bullet">
/// <item>A writer's connection commits with <c>synchronous = NORMAL</c> and no automatic checkpoint
/// (<see cref="PrepareWriterAsync"/>), then hands the acknowledgement to <see cref="WhenDurable"/> and goes on with its next
/// group. One sync thread <c>fsync</c>s the WAL file and only then runs the acknowledgements of every commit made before
/// that <c>fsync</c> began (on the thread pool). SQLite's <c>synchronous = FULL</c> is exactly <c>NORMAL</c> plus that <c>fsync</c> after each
/// commit (sqlite.org/pragma.html#pragma_synchronous), so an acknowledged commit is as durable as before; the next group's
/// frames may be half-written when power fails, and recovery drops them by their checksums: they were not acknowledged.</item>
/// <item>One checkpoint thread copies the WAL back into the database on its own connection (<c>PASSIVE</c>: it never blocks
/// a writer) and syncs the database file, at most every <see cref="CheckpointInterval"/>; when the WAL has grown past
/// <see cref="RestartAfterFrames"/> it holds the writers at <see cref="BeforeTransactionAsync"/> for one <c>RESTART</c>, so
/// that the next commit starts the WAL file from its beginning again.</item>
/// </list>
/// When the service is not running (PostgreSQL, command-line work without the host) writers keep <c>synchronous = FULL</c>
/// and SQLite's own checkpoints, and <see cref="WhenDurable"/> acknowledges at once.
/// </summary>
public sealed class SqliteGroupCommit(IDbConnectionFactory db, ILogger<SqliteGroupCommit> logger, IMeterFactory? meters = null)
    : IHostedService
{
    /// <summary>
    /// The disk's share of a check-in's or transaction event's answer, for operators (<c>dotnet-counters monitor -n AdminPortal
    /// --counters AdminPortal.Sqlite</c>): how long each WAL sync took (every commit waits for one before it is answered) and
    /// how long each checkpoint took, including the database file's flush that WAL syncs queue behind.
    /// </summary>
    public const string MeterName = "AdminPortal.Sqlite";

    private readonly Histogram<double>? _syncDuration = meters?.Create(MeterName).CreateHistogram<double>(
        "adminportal.sqlite.wal_sync.duration", "s", "Time one fsync of the write-ahead log took; the commits it covers are answered after it");

    private readonly Histogram<double>? _checkpointDuration = meters?.Create(MeterName).CreateHistogram<double>(
        "adminportal.sqlite.checkpoint.duration", "s", "Time one checkpoint took, copying the write-ahead log into the database file and flushing it");

    /// <summary>
    /// Least time between two checkpoints. Each one ends by flushing the database file, whose pages are scattered: every
    /// 200 ms, the disk did 5,600–6,900 small writes a second at 5,000 check-ins/s and the WAL's <c>fsync</c> waited behind
    /// them; once a second, a page changed many times in between is written once (1,600–2,100 writes a second), and the
    /// check-ins' p50 at 5,000/s fell from 35–49 ms to 17–31 ms (docs/BENCHMARKS.md, update 2026-12-02 03:30–03:48).
    /// </summary>
    internal TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// WAL frames past which the checkpointer makes the WAL start over instead of growing: 256 MB of 4 KB pages, about
    /// two and a half seconds of check-ins at 6,000/s, so the writers wait at the restart gate every few seconds rather
    /// than every second (each wait was 40–120 ms then; 5–14 ms every 4–5 s at 5,000/s since the database file is
    /// flushed before the gate, docs/BENCHMARKS.md, update 2026-12-02 07:43–09:00).
    /// </summary>
    internal int RestartAfterFrames { get; init; } = 65_536;

    /// <summary>How long a restart may keep the writers waiting for transactions and readers to finish.</summary>
    internal TimeSpan RestartPatience { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// A WAL sync at least this slow is reported: every commit of the moment is acknowledged only after it, so a slow
    /// answer of the device or transactions API whose cause is the disk shows up here. On the benchmark machine such syncs
    /// slept up to 558 ms waiting for the disk (docs/BENCHMARKS.md, update 2026-12-02 10:21–11:42).
    /// </summary>
    internal TimeSpan SlowSyncThreshold { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Least time between two slow-sync warnings; the slow syncs in between are counted into the next one.</summary>
    internal TimeSpan SlowSyncReportInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The slow-sync warning's event id, which the check-in benchmark counts in the portal's log.</summary>
    public static readonly EventId SlowWalSync = new(7301, nameof(SlowWalSync));

    // Only the sync thread touches these.
    private int _slowSyncs;
    private TimeSpan _slowestSync;
    private long _lastSlowSyncReport;

    private readonly BlockingCollection<PendingAcknowledgement> _pending = new();
    private volatile TaskCompletionSource? _restarting;
    private readonly SemaphoreSlim _commits = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private Thread? _syncThread;
    private Thread? _checkpointThread;
    private string? _walFile;
    private string? _databaseFile;
    private volatile bool _running;

    /// <summary>Whether writers commit with the pipelined sync (SQLite, portal host running).</summary>
    public bool IsRunning => _running;

    /// <summary>Checkpoints run by this service (for tests and benchmarks).</summary>
    public long Checkpoints => Interlocked.Read(ref _checkpoints);

    private long _checkpoints;

    /// <summary>Restarts of the WAL that completed (for tests).</summary>
    internal long Restarts => Interlocked.Read(ref _restarts);

    private long _restarts;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (db is not SqliteConnectionFactory sqlite || sqlite.DatabaseFile is not { Length: > 0 } file || file == ":memory:")
        {
            return Task.CompletedTask;
        }

        _walFile = file + "-wal";
        _databaseFile = file;
        _syncThread = new Thread(SyncLoop) { IsBackground = true, Name = "SQLite WAL sync" };
        _checkpointThread = new Thread(CheckpointLoop) { IsBackground = true, Name = "SQLite checkpoint" };
        _running = true;
        _syncThread.Start();
        _checkpointThread.Start();
        return Task.CompletedTask;
    }

    /// <summary>Settings of a group-commit writer's own connection (not a pooled one: they stay with the connection).</summary>
    public async Task PrepareWriterAsync(DbConnection connection, CancellationToken ct)
    {
        if (db.Dialect.IsPostgres)
        {
            return;
        }

        await using var pragma = connection.CreateCommand();
        pragma.CommandText = _running
            ? "PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0;"
            : "PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = 1000;";
        await pragma.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Await before beginning a transaction on a writer's connection: completed at once, except while the checkpointer
    /// restarts the WAL; the writer then waits here, not inside SQLite's busy handler, whose sleeps (1, 2, 5, … 25, 50 ms)
    /// kept the check-in writer out for 130–180 ms per restart (docs/BENCHMARKS.md, update 2026-12-01 18:44–20:12).
    /// </summary>
    public Task BeforeTransactionAsync() => _restarting?.Task ?? Task.CompletedTask;

    /// <summary>
    /// Call right after a commit on a connection from <see cref="PrepareWriterAsync"/>: <paramref name="onDurable"/> runs once
    /// that commit is on disk, or
    /// <paramref name="onFailure"/> if the disk refused.
    /// </summary>
    public void WhenDurable(Action onDurable, Action<Exception> onFailure)
    {
        var pending = new PendingAcknowledgement(onDurable, onFailure);
        if (_running && _pending.TryAddSafely(pending))
        {
            _commits.Release();
            return;
        }

        // Never started (PostgreSQL, command line): the writer committed with synchronous=FULL, already durable.
        // Stopping: a commit made with synchronous=NORMAL may still be in flight, so sync on this thread.
        Run(pending, _walFile is null ? null : SyncWal());
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!_running)
        {
            return;
        }

        // Registered before the writers, so stopped after them: every acknowledgement they handed over is still run.
        _running = false;
        _pending.CompleteAdding();
        await _stopping.CancelAsync();
        await Task.Run(() =>
        {
            _syncThread?.Join();
            _checkpointThread?.Join();
        }, cancellationToken);
    }

    private void SyncLoop()
    {
        var batch = new List<PendingAcknowledgement>();
        foreach (var first in _pending.GetConsumingEnumerable())
        {
            // Every commit queued by now was made before this fsync begins, so one fsync covers them all.
            batch.Clear();
            batch.Add(first);
            while (_pending.TryTake(out var next))
            {
                batch.Add(next);
            }

            var started = Stopwatch.GetTimestamp();
            var failure = SyncWal();
            var took = Stopwatch.GetElapsedTime(started);
            _syncDuration?.Record(took.TotalSeconds);
            NoteSyncTime(took);
            // The acknowledgements run on the thread pool, so this thread is back at the disk at once.
            var synced = batch.ToArray();
            ThreadPool.UnsafeQueueUserWorkItem(_ =>
            {
                foreach (var pending in synced)
                {
                    Run(pending, failure);
                }
            }, null);
        }
    }

    private Exception? SyncWal()
    {
        try
        {
            // Opened for each sync: the file SQLite writes is the one at this path now (it deletes the WAL when the last
            // connection closes, and a handle kept open would then sync a file nobody uses).
            using var handle = File.OpenHandle(_walFile!, FileMode.Open, FileAccess.Read);
            RandomAccess.FlushToDisk(handle);
            return null;
        }
        catch (FileNotFoundException)
        {
            // No WAL: SQLite checkpointed everything into the database file and synced it before deleting the WAL.
            return null;
        }
        catch (Exception ex)
        {
            logger.LogCritical(ex, "Syncing the SQLite write-ahead log failed; commits since the last sync are not acknowledged");
            return ex;
        }
    }

    private void NoteSyncTime(TimeSpan took)
    {
        if (took < SlowSyncThreshold)
        {
            return;
        }

        _slowSyncs++;
        _slowestSync = took > _slowestSync ? took : _slowestSync;
        var now = Stopwatch.GetTimestamp();
        if (_lastSlowSyncReport != 0 && Stopwatch.GetElapsedTime(_lastSlowSyncReport, now) < SlowSyncReportInterval)
        {
            return;
        }

        logger.LogWarning(SlowWalSync,
            "Slow disk: of the SQLite write-ahead log's syncs since the last report, {SlowSyncs} took {ThresholdMs} ms or more, the slowest {SlowestMs} ms. " +
            "Check-ins and transaction events are answered only once their commit is synced, so those answers waited as long",
            _slowSyncs, (int)SlowSyncThreshold.TotalMilliseconds, (int)_slowestSync.TotalMilliseconds);
        _lastSlowSyncReport = now;
        _slowSyncs = 0;
        _slowestSync = TimeSpan.Zero;
    }

    private void Run(PendingAcknowledgement pending, Exception? failure)
    {
        try
        {
            if (failure is null)
            {
                pending.OnDurable();
            }
            else
            {
                pending.OnFailure(failure);
            }
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Acknowledging a durable SQLite commit failed");
        }
    }

    private void CheckpointLoop()
    {
        SqliteConnection? connection = null;
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                try
                {
                    _commits.Wait(_stopping.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                // Many commits, one checkpoint: the ones that arrive while it waits are covered by it.
                _stopping.Token.WaitHandle.WaitOne(CheckpointInterval);
                while (_commits.CurrentCount > 0 && _commits.Wait(0))
                {
                }

                try
                {
                    connection ??= OpenCheckpointConnection();
                    var started = Stopwatch.GetTimestamp();
                    Checkpoint(connection);
                    _checkpointDuration?.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
                }
                catch (Exception ex)
                {
                    // The WAL only grows meanwhile; the next commit tries again on a fresh connection.
                    logger.LogWarning(ex, "Checkpointing the SQLite write-ahead log failed");
                    connection?.Dispose();
                    connection = null;
                }
            }

            // A last checkpoint so that a clean stop leaves a short WAL behind.
            try
            {
                connection ??= OpenCheckpointConnection();
                Checkpoint(connection);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "The final SQLite checkpoint failed");
            }
        }
        finally
        {
            connection?.Dispose();
        }
    }

    private SqliteConnection OpenCheckpointConnection()
    {
        var connection = (SqliteConnection)db.OpenAsync().GetAwaiter().GetResult();
        // No busy handler: RESTART answers "busy" at once while a writer's transaction or an older reader is still open,
        // and Checkpoint retries in steps of a millisecond instead of SQLite's growing sleeps.
        SQLitePCL.raw.sqlite3_busy_timeout(connection.Handle, 0);
        return connection;
    }

    private void Checkpoint(SqliteConnection connection)
    {
        var (_, frames, _) = RunCheckpoint(connection, "PASSIVE");
        // A PASSIVE checkpoint that a commit overtakes (nearly all of them under load) copies pages into the database
        // file but does not sync it; the RESTART then synced all of them at once, tens of megabytes in 80–150 ms while
        // the writers waited (strace, 2026-12-01 19:37). Synced here, outside every lock, the restart finds little to flush.
        FlushDatabaseFile();
        if (frames < RestartAfterFrames)
        {
            return;
        }

        // Once more, so that what the writers wait for below is only the last few milliseconds' frames.
        RunCheckpoint(connection, "PASSIVE");
        FlushDatabaseFile();

        // Without a restart a writer that never pauses would grow the WAL for ever. Writers wait at the gate
        // (BeforeTransactionAsync) while the transactions already begun commit; RESTART then copies the frames of the
        // last moments, syncs, and lets the next commit start the WAL from its beginning. RESTART also waits for readers
        // of older snapshots, so the attempts stop after RestartPatience (a slow report query) and the next round retries.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _restarting = gate;
        try
        {
            var giveUpAt = Stopwatch.GetTimestamp() + (long)(RestartPatience.TotalSeconds * Stopwatch.Frequency);
            while (RunCheckpoint(connection, "RESTART").Busy != 0)
            {
                if (Stopwatch.GetTimestamp() >= giveUpAt)
                {
                    return;
                }

                Thread.Sleep(1);
            }

            Interlocked.Increment(ref _restarts);
        }
        finally
        {
            _restarting = null;
            gate.SetResult();
        }
    }

    private void FlushDatabaseFile()
    {
        using var handle = File.OpenHandle(_databaseFile!, FileMode.Open, FileAccess.Read);
        RandomAccess.FlushToDisk(handle);
    }

    private (long Busy, long Frames, long Copied) RunCheckpoint(SqliteConnection connection, string mode)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA wal_checkpoint({mode})";
        using var reader = command.ExecuteReader();
        reader.Read();
        Interlocked.Increment(ref _checkpoints);
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    private sealed record PendingAcknowledgement(Action OnDurable, Action<Exception> OnFailure);
}

file static class BlockingCollectionExtensions
{
    /// <summary>Adds unless adding was completed (the service is stopping) meanwhile.</summary>
    public static bool TryAddSafely<T>(this BlockingCollection<T> collection, T item)
    {
        try
        {
            return collection.TryAdd(item);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
