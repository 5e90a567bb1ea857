using System.Collections.Concurrent;
using System.Data.Common;
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
/// a writer), at most every <see cref="CheckpointInterval"/>; when the WAL has grown past <see cref="RestartAfterFrames"/>
/// it waits for the writer once (<c>RESTART</c>) so that the next commit starts the WAL file from its beginning again.</item>
/// </list>
/// When the service is not running (PostgreSQL, command-line work without the host) writers keep <c>synchronous = FULL</c>
/// and SQLite's own checkpoints, and <see cref="WhenDurable"/> acknowledges at once.
/// </summary>
public sealed class SqliteGroupCommit(IDbConnectionFactory db, ILogger<SqliteGroupCommit> logger) : IHostedService
{
    internal static readonly TimeSpan CheckpointInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>WAL frames past which the checkpointer makes the WAL start over instead of growing (64 MB of 4 KB pages).</summary>
    internal int RestartAfterFrames { get; init; } = 16_384;

    private readonly BlockingCollection<PendingAcknowledgement> _pending = new();
    private readonly SemaphoreSlim _commits = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private Thread? _syncThread;
    private Thread? _checkpointThread;
    private string? _walFile;
    private volatile bool _running;

    /// <summary>Whether writers commit with the pipelined sync (SQLite, portal host running).</summary>
    public bool IsRunning => _running;

    /// <summary>Checkpoints run by this service (for tests and benchmarks).</summary>
    public long Checkpoints => Interlocked.Read(ref _checkpoints);

    private long _checkpoints;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (db is not SqliteConnectionFactory sqlite || sqlite.DatabaseFile is not { Length: > 0 } file || file == ":memory:")
        {
            return Task.CompletedTask;
        }

        _walFile = file + "-wal";
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

            var failure = SyncWal();
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
                    Checkpoint(connection);
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
        // RESTART blocks new writers while it waits for the writer and for readers of older snapshots (sqlite.org,
        // sqlite3_wal_checkpoint_v2). A short wait bounds that stall, say behind a slow report query, to a tenth of a
        // second; when it runs out the checkpoint copies what it can, as PASSIVE, and the next one tries again.
        SQLitePCL.raw.sqlite3_busy_timeout(connection.Handle, 100);
        return connection;
    }

    private void Checkpoint(SqliteConnection connection)
    {
        var (_, frames, _) = RunCheckpoint(connection, "PASSIVE");
        if (frames >= RestartAfterFrames)
        {
            // Waits (busy timeout) for the writer between two commits, copies what PASSIVE could not, and lets the next
            // commit start the WAL from its beginning: without it a writer that never pauses would grow the file forever.
            RunCheckpoint(connection, "RESTART");
        }
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
