using System.Data.Common;
using System.Diagnostics;
using System.Threading.Channels;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Infrastructure.LiveUpdates;
using Microsoft.Extensions.Options;

namespace AdminPortal.Features.Devices.CheckIns;

/// <summary>
/// Group commit for check-ins, the device API's hot path: requests queue their work, one writer commits whatever has
/// queued up in a single transaction, and each request is answered only after that commit (acknowledged = durable).
/// Measured here: one transaction per request caps at ~2,000/s on PostgreSQL with fsync, batching reaches ~11,000/s.
/// On SQLite the WAL's fsync and the checkpoints run beside the writer (<see cref="SqliteGroupCommit"/>), so the writer
/// commits the next batch while the last one reaches the disk.
/// PostgreSQL's commit waits for its WAL flush, and the writer sits idle meanwhile: where that wait is long (a slow disk),
/// <see cref="DeviceOptions.CheckInWritersOnPostgres"/> can start several writers (lanes; one by default), each to
/// own a share of the devices, chosen by device id, so one lane applies its batch while another's commit is flushed. A
/// device is always written by the same lane, in order, so no check-in reads a state older than its predecessor's and
/// the lanes never wait for each other's row locks.
/// If a batch fails, its check-ins are retried one by one so one bad row cannot fail its neighbours.
/// </summary>
public sealed class CheckInWriter(
    IDbConnectionFactory db, SqliteGroupCommit groupCommit, CheckInProcessor processor, ILiveUpdates live,
    IEnumerable<IDeviceCheckInObserver> observers, CheckInMetrics metrics, IOptions<DeviceOptions> options, ILogger<CheckInWriter> logger)
    : BackgroundService
{
    private const int QueueCapacity = 20_000;

    private readonly IDeviceCheckInObserver[] _observers = observers.ToArray();

    // SQLite has one writer at a time whatever the connections, so it gets one lane. A mistyped setting cannot open more
    // lanes than make sense (each holds a connection and a share of the queue).
    private readonly Lane[] _lanes = CreateLanes(db.Dialect.IsPostgres ? Math.Clamp(options.Value.CheckInWritersOnPostgres, 1, 16) : 1);

    public async Task<CheckInOutcome> WriteAsync(CheckInWork work, CancellationToken ct)
    {
        var pending = new Pending(work, new TaskCompletionSource<CheckInOutcome>(TaskCreationOptions.RunContinuationsAsynchronously),
            Stopwatch.GetTimestamp());
        await LaneOf(work.Device.DeviceId).Queue.Writer.WriteAsync(pending, ct);
        return await pending.Completion.Task.WaitAsync(ct);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_lanes.Select(lane => Task.Run(() => RunLaneAsync(lane, stoppingToken), CancellationToken.None)));

    private Lane LaneOf(Guid deviceId) => _lanes.Length == 1 ? _lanes[0] : _lanes[(uint)deviceId.GetHashCode() % (uint)_lanes.Length];

    private static Lane[] CreateLanes(int count) =>
        Enumerable.Range(0, count).Select(_ => new Lane(Channel.CreateBounded<Pending>(new BoundedChannelOptions(QueueCapacity / count)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        }))).ToArray();

    private async Task RunLaneAsync(Lane lane, CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(options.Value.CheckInBatchSize);
        try
        {
            while (await lane.Queue.Reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                while (batch.Count < options.Value.CheckInBatchSize && lane.Queue.Reader.TryRead(out var pending))
                {
                    batch.Add(pending);
                }

                if (metrics.QueueWaitEnabled)
                {
                    var now = Stopwatch.GetTimestamp();
                    foreach (var pending in batch)
                    {
                        metrics.Queued(pending.EnqueuedAt, now);
                    }
                }

                await WriteBatchAsync(lane, batch, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: whatever is still queued is answered with an error below, never silently dropped.
        }
        finally
        {
            lane.Queue.Writer.TryComplete();
            while (lane.Queue.Reader.TryRead(out var pending))
            {
                pending.Completion.TrySetException(new OperationCanceledException("The portal is shutting down."));
            }
        }
    }

    private async Task WriteBatchAsync(Lane lane, List<Pending> batch, CancellationToken ct)
    {
        try
        {
            var outcomes = await CommitAsync(lane, batch, ct);
            // Answered once the commit is on disk; meanwhile this loop writes the next batch (SQLite: the sync and the
            // checkpoints run on their own threads; PostgreSQL's commit already waited for its WAL flush).
            var committed = batch.ToArray();
            groupCommit.WhenDurable(
                () =>
                {
                    for (var i = 0; i < committed.Length; i++)
                    {
                        Complete(committed[i], outcomes[i]);
                    }
                },
                failure =>
                {
                    foreach (var pending in committed)
                    {
                        pending.Completion.TrySetException(failure);
                    }
                });
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            if (batch.Count == 1)
            {
                logger.LogError(ex, "Writing a check-in of device {DeviceId} failed", batch[0].Work.Device.DeviceId);
                batch[0].Completion.TrySetException(ex);
                return;
            }

            logger.LogWarning(ex, "A batch of {Count} check-ins failed; writing them one by one", batch.Count);
            foreach (var pending in batch)
            {
                await WriteBatchAsync(lane, [pending], ct);
            }
        }
    }

    private async Task<IReadOnlyList<CheckInOutcome>> CommitAsync(Lane lane, List<Pending> batch, CancellationToken ct)
    {
        var connection = lane.Connection ??= await OpenWriterConnectionAsync(ct);
        var startedAt = Stopwatch.GetTimestamp();
        try
        {
            var works = batch.Select(p => p.Work).ToList();
            IReadOnlyList<CheckInOutcome> outcomes;
            if (db.Dialect.IsPostgres)
            {
                outcomes = await processor.ApplyBatchInOwnTransactionAsync(connection, works, ct);
            }
            else
            {
                await groupCommit.BeforeTransactionAsync();
                await using var transaction = await connection.BeginTransactionAsync(ct);
                outcomes = await processor.ApplyBatchAsync(connection, transaction, works, ct);
                await transaction.CommitAsync(ct);
            }

            metrics.Committed(batch.Count, startedAt);
            return outcomes;
        }
        catch
        {
            lane.Connection = null;
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task<DbConnection> OpenWriterConnectionAsync(CancellationToken ct)
    {
        var connection = await db.OpenForRepeatedStatementsAsync(ct);
        await groupCommit.PrepareWriterAsync(connection, ct);
        if (!db.Dialect.IsPostgres)
        {
            // Settings of this connection only: memory-mapped reads replace a read() system call per page that is not
            // cached, so the page cache mostly holds pages written since the WAL began. It stays at 8 MB: SQLite scans the
            // whole cache at every commit whose B-tree balancing renumbered pages (balance_nonroot parks a page at the
            // lock-byte page number, which leaves the cache's highest page number far past the file's end), and with
            // 64 MB that scan took 0.7 ms of the writer's time per commit (uprobes on pcache1TruncateUnsafe: 351 ms in
            // 3 s at the maximum rate, 109 ms with 8 MB; docs/BENCHMARKS.md, check-ins, 2026-12-01 11:00).
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA cache_size = -8192; PRAGMA mmap_size = 268435456;";
            await pragma.ExecuteNonQueryAsync(ct);
        }

        return connection;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        foreach (var lane in _lanes)
        {
            if (lane.Connection is { } connection)
            {
                lane.Connection = null;
                await connection.DisposeAsync();
            }
        }
    }

    private void Complete(Pending pending, CheckInOutcome outcome)
    {
        pending.Completion.TrySetResult(outcome);
        if (!outcome.Accepted || outcome.Repeated)
        {
            return;
        }

        var device = pending.Work.Device;
        foreach (var change in outcome.Changes.Distinct())
        {
            live.Publish(device.MerchantId, new DeviceChanged(device.MerchantId, device.DeviceId, change));
        }

        if (_observers.Length > 0)
        {
            _ = NotifyObserversAsync(ToNotice(pending.Work));
        }
    }

    private async Task NotifyObserversAsync(DeviceCheckInNotice notice)
    {
        foreach (var observer in _observers)
        {
            try
            {
                await observer.OnCheckInAsync(notice, CancellationToken.None);
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Check-in observer {Observer} failed for device {DeviceId}", observer.GetType().Name, notice.DeviceId);
            }
        }
    }

    public static DeviceCheckInNotice ToNotice(CheckInWork work) => new(
        work.Device.MerchantId, work.Device.DeviceId, work.Device.StoreId, work.ReceivedAt,
        work.Report.OsVersion, work.Report.FirmwareVersion, work.Report.AppVersion, work.Report.TamperState, work.Report.Rooted);

    private sealed record Pending(CheckInWork Work, TaskCompletionSource<CheckInOutcome> Completion, long EnqueuedAt);

    /// <summary>
    /// One writer: its queue and its own connection, kept between batches (SQLite keeps its page cache valid while only
    /// this connection writes; a pooled connection found the cache stale after every other connection's write and read
    /// the pages again). Dropped after a failure, so a broken connection is replaced by the next batch.
    /// </summary>
    private sealed class Lane(Channel<Pending> queue)
    {
        public Channel<Pending> Queue { get; } = queue;

        public DbConnection? Connection { get; set; }
    }
}
