using System.Data.Common;
using System.Threading.Channels;
using AdminPortal.Features.Fraud.Scoring;
using AdminPortal.Infrastructure.Database;

namespace AdminPortal.Features.Fraud.Ingestion;

/// <summary>
/// Group commit: concurrent requests queue their batches on a channel; one loop takes everything waiting, stores the new
/// events, scores them and writes their hits and alerts in ONE transaction, and only once the commit is durable completes
/// each request. So an acknowledged batch survives power loss and many small requests cost one fsync together. On SQLite
/// that fsync and the checkpoints run beside the loop (<see cref="SqliteGroupCommit"/>): the loop goes on with the next
/// group while the last one's WAL frames reach the disk; PostgreSQL's commit waits for its WAL flush. The loop is the only writer of the engine's state, which keeps scoring sequential and
/// deterministic. Before the first batch it rebuilds that state from stored events.
/// </summary>
internal sealed class TransactionIngestor : BackgroundService
{
    // Enough events per transaction to amortise the commit, few enough to keep latency and statement sizes small.
    private const int MaxEventsPerGroup = 5000;

    private readonly Channel<PendingBatch> _queue = Channel.CreateBounded<PendingBatch>(new BoundedChannelOptions(2000)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly IDbConnectionFactory _db;
    private readonly SqliteGroupCommit _groupCommit;
    private readonly FraudEventStore _store;
    private readonly FraudEngine _engine;
    private readonly AlertRouter _router;
    private readonly FraudStateRebuilder _rebuilder;
    private readonly FraudSettingsStore _settings;
    private readonly StoreProfileCache _stores;
    private readonly IFraudAlertFeed _feed;
    private readonly TimeProvider _clock;
    private readonly ILogger<TransactionIngestor> _logger;
    private bool _stateNeedsRebuild = true;

    // SQLite: the loop's own connection, kept between groups so its page cache and writer settings stay with it; dropped
    // after a failure. PostgreSQL takes a pooled connection per group.
    private DbConnection? _sqliteConnection;

    public TransactionIngestor(IDbConnectionFactory db, SqliteGroupCommit groupCommit, FraudEventStore store, FraudEngine engine, AlertRouter router,
        FraudStateRebuilder rebuilder, FraudSettingsStore settings, StoreProfileCache stores, IFraudAlertFeed feed, TimeProvider clock,
        ILogger<TransactionIngestor> logger)
    {
        (_db, _groupCommit, _store, _engine, _router, _rebuilder, _settings, _stores, _feed, _clock, _logger) =
            (db, groupCommit, store, engine, router, rebuilder, settings, stores, feed, clock, logger);
    }

    /// <summary>Completes after the batch is committed (or fails, and nothing of it was acknowledged).</summary>
    public async Task<TransactionBatchResponse> SubmitAsync(IReadOnlyList<TransactionEvent> events, CancellationToken ct)
    {
        var pending = new PendingBatch(events);
        await _queue.Writer.WriteAsync(pending, ct);
        return await pending.Completion.Task.WaitAsync(ct);
    }

    /// <summary>
    /// Stores and scores one batch on the caller's thread, for command-line work (demo data) where the background loop
    /// does not run. Never call it while the portal serves requests: the loop must stay the engine's only writer.
    /// </summary>
    public async Task<TransactionBatchResponse> IngestDirectAsync(IReadOnlyList<TransactionEvent> events)
    {
        if (_stateNeedsRebuild)
        {
            await _rebuilder.RebuildAsync(CancellationToken.None);
            _stateNeedsRebuild = false;
        }

        var batch = new PendingBatch(events);
        await CommitGroupAsync([batch]);
        return await batch.Completion.Task;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await TryRebuildAsync();
        var group = new List<PendingBatch>();
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            group.Clear();
            var events = 0;
            while (events < MaxEventsPerGroup && _queue.Reader.TryRead(out var next))
            {
                group.Add(next);
                events += next.Events.Count;
            }

            try
            {
                if (_stateNeedsRebuild)
                {
                    await _rebuilder.RebuildAsync(CancellationToken.None);
                    _stateNeedsRebuild = false;
                }

                await CommitGroupAsync(group);
            }
            catch (Exception ex)
            {
                // Nothing was acknowledged; the scoring state may hold events that were rolled back, so rebuild it.
                _stateNeedsRebuild = true;
                _logger.LogError(ex, "Storing a group of {Requests} transaction batches failed", group.Count);
                foreach (var batch in group)
                {
                    batch.Completion.TrySetException(new TransactionStoreUnavailableException(ex));
                }
            }
        }
    }

    private async Task TryRebuildAsync()
    {
        try
        {
            await _rebuilder.RebuildAsync(CancellationToken.None);
            _stateNeedsRebuild = false;
        }
        catch (Exception ex)
        {
            // The database may not be reachable yet: the first batch tries again before it is scored.
            _logger.LogWarning(ex, "Rebuilding the fraud scoring state at start-up failed; retrying with the first batch");
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Finish what was queued: those callers are still waiting for their acknowledgement.
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
        if (_sqliteConnection is { } connection)
        {
            _sqliteConnection = null;
            await connection.DisposeAsync();
        }
    }

    /// <summary>
    /// Stores and scores the group in one transaction; its requests are answered, and its alert notices published, once
    /// the commit is durable (on SQLite the WAL's sync runs beside the next group, see <see cref="SqliteGroupCommit"/>).
    /// </summary>
    private async Task CommitGroupAsync(List<PendingBatch> group)
    {
        var isSqlite = !_db.Dialect.IsPostgres;
        await _groupCommit.BeforeTransactionAsync();
        // PostgreSQL: a connection of the repeated-statements pool, on which the group's statements (hits, alerts, savepoints) are
        // prepared after their first runs instead of planned at every group.
        var connection = isSqlite ? _sqliteConnection ??= await OpenSqliteWriterAsync() : await _db.OpenForRepeatedStatementsAsync(CancellationToken.None);
        try
        {
            var (accepted, notices) = await StoreAndScoreAsync(connection, group);
            var committed = group.ToArray(); // the loop reuses its list for the next group
            _groupCommit.WhenDurable(
                () =>
                {
                    for (var b = 0; b < committed.Length; b++)
                    {
                        committed[b].Completion.TrySetResult(new TransactionBatchResponse(accepted[b], committed[b].Events.Count - accepted[b]));
                    }

                    foreach (var notice in notices)
                    {
                        _feed.Publish(notice);
                    }
                },
                failure =>
                {
                    foreach (var batch in committed)
                    {
                        batch.Completion.TrySetException(new TransactionStoreUnavailableException(failure));
                    }
                });
        }
        catch when (isSqlite)
        {
            _sqliteConnection = null;
            await connection.DisposeAsync();
            throw;
        }
        finally
        {
            if (!isSqlite)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private async Task<DbConnection> OpenSqliteWriterAsync()
    {
        var connection = await _db.OpenAsync(CancellationToken.None);
        await _groupCommit.PrepareWriterAsync(connection, CancellationToken.None);
        await using var pragma = connection.CreateCommand();
        // A group inserts thousands of rows into indexes keyed by random card tokens and event ids; with SQLite's default
        // 2 MB cache most of those index pages were read back from the OS for every group (about 5 us of CPU per event).
        // The cache grows to this size only as pages are used.
        pragma.CommandText = "PRAGMA cache_size = -65536;";
        await pragma.ExecuteNonQueryAsync(CancellationToken.None);
        return connection;
    }

    private async Task<(int[] Accepted, List<FraudAlertNotice> Notices)> StoreAndScoreAsync(DbConnection connection, List<PendingBatch> group)
    {
        var ct = CancellationToken.None; // a started commit finishes even during shutdown
        var now = _clock.GetUtcNow();

        // The same event id twice in the group (a retry racing its original): the first is the candidate, the rest duplicates.
        var seen = new HashSet<(Guid, string)>();
        var candidates = new List<TransactionEvent>();
        var batchOf = new List<int>(); // the request of the group that first carried each candidate
        for (var b = 0; b < group.Count; b++)
        {
            foreach (var e in group[b].Events)
            {
                if (seen.Add((e.MerchantId, e.EventId)))
                {
                    candidates.Add(e);
                    batchOf.Add(b);
                }
            }
        }

        var merchants = candidates.Select(e => e.MerchantId).Distinct().ToList();
        await _settings.LoadIntoEngineAsync(merchants, ct);
        await _stores.LoadIntoEngineAsync(_engine, merchants, ct);

        await using var transaction = await connection.BeginTransactionAsync(ct);
        var inserted = await _store.InsertNewAsync(connection, transaction, candidates, ct);

        // Score in arrival order: only events that are really new change the state.
        var scored = new List<ScoreResult>();
        var alertOf = new Dictionary<ScoreResult, Guid>(ReferenceEqualityComparer.Instance);
        var notices = new List<FraudAlertNotice>();
        var joined = new Dictionary<Guid, (OpenAlert Alert, DateTimeOffset First, DateTimeOffset Last)>();
        var accepted = new int[group.Count];
        for (var i = 0; i < candidates.Count; i++)
        {
            if (!inserted[i])
            {
                continue;
            }

            // An event counts as accepted once, in the first request of the group that carried it.
            accepted[batchOf[i]]++;
            var e = candidates[i];

            var result = _engine.Score(e);
            scored.Add(result);
            if (result.Hits.Count == 0)
            {
                continue;
            }

            var joinWindow = TimeSpan.FromMinutes(_engine.SettingsOf(e.MerchantId).JoinMinutes);
            var decision = _router.Route(result, joinWindow, Guid.NewGuid);
            if (decision.Action == AlertAction.Open)
            {
                await _store.OpenAlertAsync(connection, transaction, decision.Alert!, result, now, ct);
                notices.Add(new FraudAlertNotice(e.MerchantId, decision.Alert!.Id, AlertChange.Opened, AlertSeverities.For(decision.Alert.Score)));
            }
            else if (decision.Action == AlertAction.Join)
            {
                // A burst joins one alert many times: write the alert once per group, with the span of its events.
                var alert = decision.Alert!;
                joined[alert.Id] = joined.TryGetValue(alert.Id, out var span)
                    ? (alert, Min(span.First, e.OccurredAt), Max(span.Last, e.OccurredAt))
                    : (alert, e.OccurredAt, e.OccurredAt);
            }

            if (decision.Alert is { } routed && decision.Action != AlertAction.None)
            {
                alertOf[result] = routed.Id;
            }
        }

        foreach (var (alert, first, last) in joined.Values)
        {
            if (!await _store.JoinAlertAsync(connection, transaction, alert, first, last, now, ct))
            {
                // An analyst decided it a moment ago: these hits stay with it; later ones open a new alert.
                _router.Close(alert.MerchantId, alert.Id);
                continue;
            }

            notices.Add(new FraudAlertNotice(alert.MerchantId, alert.Id, AlertChange.Updated, AlertSeverities.For(alert.Score)));
        }

        await _store.SaveScoresAsync(connection, transaction, scored, alertOf, ct);
        await transaction.CommitAsync(ct);
        return (accepted, notices);
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private sealed class PendingBatch(IReadOnlyList<TransactionEvent> events)
    {
        public IReadOnlyList<TransactionEvent> Events { get; } = events;

        public TaskCompletionSource<TransactionBatchResponse> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>The events could not be stored; the caller gets 503 and retries (event ids make the retry safe).</summary>
public sealed class TransactionStoreUnavailableException(Exception inner) : Exception("The transaction store is unavailable.", inner);
