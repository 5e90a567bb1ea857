using System.Data.Common;
using AdminPortal.Features.Fraud.Scoring;
using AdminPortal.Infrastructure.Database;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace AdminPortal.Features.Fraud.Ingestion;

/// <summary>The SQL of ingestion: events, their rule hits and the alerts they open or join, all inside the caller's transaction.</summary>
internal sealed class FraudEventStore(IDbConnectionFactory db)
{
    private const string EventColumns =
        "merchant_id, event_id, device_id, store_id, occurred_at, received_at, type, amount_minor, currency, " +
        "card_token, bin, last4, entry_mode, result, response_code, latitude, longitude";

    private const string HitColumns = "merchant_id, event_id, rule_id, occurred_at, points, shadow, would_alert, explanation, alert_id";

    internal const string EventSelect =
        "merchant_id AS MerchantId, event_id AS EventId, device_id AS DeviceId, store_id AS StoreId, occurred_at AS OccurredAt, " +
        "received_at AS ReceivedAt, type AS Type, amount_minor AS AmountMinor, currency AS Currency, card_token AS CardToken, bin AS Bin, " +
        "last4 AS Last4, entry_mode AS EntryMode, result AS Result, response_code AS ResponseCode, latitude AS Latitude, longitude AS Longitude";

    /// <summary>
    /// Inserts the events that are new; returns, per event, whether it was inserted (a retried event id is silently skipped).
    /// SQLite (in-process) runs one prepared statement per row; PostgreSQL gets the whole group as one binary COPY, and
    /// only when an id is already stored the ON CONFLICT insert (each column as an array, <c>unnest</c>) that reports
    /// row by row.
    /// </summary>
    public async Task<bool[]> InsertNewAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<TransactionEvent> events, CancellationToken ct)
    {
        var inserted = new bool[events.Count];
        if (events.Count == 0)
        {
            return inserted;
        }

        if (!db.Dialect.IsPostgres)
        {
            using var insert = new SqlitePreparedStatement((SqliteConnection)connection,
                $"INSERT INTO fraud_events ({EventColumns}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17) " +
                "ON CONFLICT (merchant_id, event_id) DO NOTHING");
            for (var i = 0; i < events.Count; i++)
            {
                var e = events[i];
                insert.Bind(1, e.MerchantId);
                insert.Bind(2, e.EventId);
                insert.Bind(3, e.DeviceId);
                insert.Bind(4, e.StoreId);
                insert.Bind(5, e.OccurredAt);
                insert.Bind(6, e.ReceivedAt);
                insert.Bind(7, (long)e.Type);
                insert.Bind(8, e.AmountMinor);
                insert.Bind(9, e.Currency);
                insert.Bind(10, e.CardToken);
                insert.Bind(11, e.Bin);
                insert.Bind(12, e.Last4);
                insert.Bind(13, (long)e.EntryMode);
                insert.Bind(14, (long)e.Result);
                insert.Bind(15, e.ResponseCode);
                insert.Bind(16, e.Latitude);
                insert.Bind(17, e.Longitude);
                inserted[i] = insert.Execute() == 1;
            }

            return inserted;
        }

        // Fast path: the whole group as a binary COPY behind a savepoint. COPY takes the rows straight from the wire into
        // the table in batches (one heap WAL record per page instead of one per row, no array parameters to unpack, no
        // plan), which cost the server less CPU per event than `INSERT … SELECT FROM unnest(arrays)` (measured, see
        // docs/BENCHMARKS.md); ON CONFLICT, which COPY cannot do, was already off this path because its speculative
        // insertion cost about a fifth of the server's CPU per row. A conflict only happens for an event id already
        // stored (a re-sent batch, or another instance storing the same id at this moment, which waits on the key and
        // then fails): the savepoint is rolled back and the group goes through the ON CONFLICT insert, which tells row
        // by row what was new. Rows are the same either way.
        await transaction.SaveAsync(NewEventsSavepoint, ct);
        try
        {
            await CopyEventsAsync((NpgsqlConnection)connection, events, ct);
            Array.Fill(inserted, true);
            return inserted;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // The server's error is read only when the copy ends (PostgresBinaryCopyWriter.CompleteAsync; the rows sent
            // after it are discarded), so by now the copy is over and the connection idle in a failed transaction, which
            // the rollback to the savepoint makes usable again.
            await transaction.RollbackAsync(NewEventsSavepoint, ct);
        }

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText =
            $"""
            INSERT INTO fraud_events ({EventColumns})
            SELECT * FROM unnest(@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11, @p12, @p13, @p14, @p15, @p16)
            ON CONFLICT (merchant_id, event_id) DO NOTHING
            RETURNING merchant_id, event_id
            """;
        AddEventArrays(command, events);

        var indexOf = new Dictionary<(Guid, string), int>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            indexOf.TryAdd((events[i].MerchantId, events[i].EventId), i);
        }

        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (indexOf.TryGetValue((reader.GetGuid(0), reader.GetString(1)), out var index))
            {
                inserted[index] = true;
            }
        }

        return inserted;
    }

    private const string NewEventsSavepoint = "fraud_new_events";

    private const string CopyEventsSql = $"COPY fraud_events ({EventColumns}) FROM STDIN (FORMAT BINARY)";

    /// <summary>
    /// The group as one binary COPY, in <see cref="EventColumns"/> order. Binary COPY sends no type names, so each value
    /// is written as its column's exact type (migration 0040): uuid, text, timestamptz, integer for the enums, bigint,
    /// double precision.
    /// </summary>
    private static async Task CopyEventsAsync(NpgsqlConnection connection, IReadOnlyList<TransactionEvent> events, CancellationToken ct)
    {
        await using var copy = await PostgresBinaryCopyWriter.BeginAsync(connection, CopyEventsSql, ct);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            await copy.StartRowAsync(EventColumnCount, ct);
            copy.Uuid(e.MerchantId);
            copy.Text(e.EventId);
            copy.Uuid(e.DeviceId);
            copy.Uuid(e.StoreId);
            copy.TimestampTz(e.OccurredAt);
            copy.TimestampTz(e.ReceivedAt);
            copy.Int4((int)e.Type);
            copy.Int8(e.AmountMinor);
            copy.Text(e.Currency);
            copy.Text(e.CardToken);
            copy.Text(e.Bin);
            copy.Text(e.Last4);
            copy.Int4((int)e.EntryMode);
            copy.Int4((int)e.Result);
            copy.Text(e.ResponseCode);
            copy.Float8(e.Latitude);
            copy.Float8(e.Longitude);
        }

        await copy.CompleteAsync(ct);
    }

    private const short EventColumnCount = 17;

    /// <summary>The 17 event columns as PostgreSQL array parameters <c>@p0</c> … <c>@p16</c>, in <see cref="EventColumns"/> order.</summary>
    private static void AddEventArrays(DbCommand command, IReadOnlyList<TransactionEvent> events)
    {
        AddArray(command, events, e => e.MerchantId);
        AddArray(command, events, e => e.EventId);
        AddArray(command, events, e => e.DeviceId);
        AddArray(command, events, e => e.StoreId);
        AddArray(command, events, e => e.OccurredAt.ToUniversalTime());
        AddArray(command, events, e => e.ReceivedAt.ToUniversalTime());
        AddArray(command, events, e => (int)e.Type);
        AddArray(command, events, e => e.AmountMinor);
        AddArray(command, events, e => e.Currency);
        AddArray(command, events, e => e.CardToken);
        AddArray(command, events, e => e.Bin);
        AddArray(command, events, e => e.Last4);
        AddArray(command, events, e => (int)e.EntryMode);
        AddArray(command, events, e => (int)e.Result);
        AddArray(command, events, e => e.ResponseCode);
        AddArray(command, events, e => e.Latitude);
        AddArray(command, events, e => e.Longitude);
    }

    public async Task SaveScoresAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<ScoreResult> scored,
        IReadOnlyDictionary<ScoreResult, Guid> alertOf, CancellationToken ct)
    {
        var hits = new List<HitRow>();
        foreach (var result in scored)
        {
            if (result.Hits.Count == 0)
            {
                continue;
            }

            var wouldAlert = result.WouldAlert;
            var alertId = alertOf.TryGetValue(result, out var id) ? id : (Guid?)null;
            foreach (var hit in result.Hits)
            {
                hits.Add(new HitRow(result.Event, hit, wouldAlert, hit.Shadow ? null : alertId));
            }
        }

        if (hits.Count == 0)
        {
            return;
        }

        if (!db.Dialect.IsPostgres)
        {
            using var insert = new SqlitePreparedStatement((SqliteConnection)connection,
                $"INSERT INTO fraud_rule_hits ({HitColumns}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) " +
                "ON CONFLICT (merchant_id, event_id, rule_id) DO NOTHING");
            foreach (var row in hits)
            {
                insert.Bind(1, row.Event.MerchantId);
                insert.Bind(2, row.Event.EventId);
                insert.Bind(3, row.Hit.RuleId);
                insert.Bind(4, row.Event.OccurredAt);
                insert.Bind(5, row.Hit.Points);
                insert.Bind(6, row.Hit.Shadow);
                insert.Bind(7, row.WouldAlert);
                insert.Bind(8, row.Hit.Explanation);
                insert.Bind(9, row.AlertId);
                insert.Execute();
            }

            return;
        }

        // Hits stay an unnest INSERT, not a COPY like the events: there are few of them (one row per 10 to 20 events on
        // the bench's traffic), so a COPY would save the server next to nothing per event. Their ON CONFLICT cannot fire
        // today either: hits are written only for events this transaction has just inserted (a stored id goes to the
        // duplicates and is not scored), once per rule (the engine evaluates each rule once), and nothing writes hits
        // anywhere else (the state rebuild replays without scoring), so the key can only meet a leftover row of an event
        // that was deleted without its hits; it stays as that guard, which at this row count costs nothing measurable.
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText =
            $"""
            INSERT INTO fraud_rule_hits ({HitColumns})
            SELECT * FROM unnest(@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8)
            ON CONFLICT (merchant_id, event_id, rule_id) DO NOTHING
            """;
        AddArray(command, hits, h => h.Event.MerchantId);
        AddArray(command, hits, h => h.Event.EventId);
        AddArray(command, hits, h => h.Hit.RuleId);
        AddArray(command, hits, h => h.Event.OccurredAt.ToUniversalTime());
        AddArray(command, hits, h => h.Hit.Points);
        AddArray(command, hits, h => h.Hit.Shadow);
        AddArray(command, hits, h => h.WouldAlert);
        AddArray(command, hits, h => h.Hit.Explanation);
        AddArray(command, hits, h => h.AlertId);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>One column of a PostgreSQL <c>unnest</c> insert: an array parameter named after its position (<c>@p0</c>, …).</summary>
    private static void AddArray<TRow, TValue>(DbCommand command, IReadOnlyList<TRow> rows, Func<TRow, TValue> value)
    {
        var values = new TValue[rows.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = value(rows[i]);
        }

        var parameter = command.CreateParameter();
        parameter.ParameterName = "p" + command.Parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        parameter.Value = values;
        command.Parameters.Add(parameter);
    }

    private readonly record struct HitRow(TransactionEvent Event, ScoredHit Hit, bool WouldAlert, Guid? AlertId);

    public Task OpenAlertAsync(DbConnection connection, DbTransaction transaction, OpenAlert alert, ScoreResult result, DateTimeOffset now, CancellationToken ct)
    {
        var e = result.Event;
        return connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO fraud_alerts (merchant_id, id, status, severity, score, device_id, store_id, card_token, bin, last4, rules, summary,
                                      hit_count, first_event_at, last_event_at, opened_at, updated_at)
            VALUES (@MerchantId, @Id, @status, @severity, @Score, @DeviceId, @StoreId, @CardToken, @Bin, @Last4, @rules, @summary,
                    @HitCount, @OccurredAt, @OccurredAt, @now, @now)
            """,
            new
            {
                e.MerchantId, alert.Id, status = (int)AlertStatus.Open, severity = (int)AlertSeverities.For(alert.Score), alert.Score,
                e.DeviceId, e.StoreId, e.CardToken, e.Bin, e.Last4, rules = AlertRules.Encode(alert.Rules),
                summary = Summary(result), alert.HitCount, e.OccurredAt, now,
            }, transaction, cancellationToken: ct));
    }

    /// <summary>Adds hits to an open alert; false when an analyst closed it meanwhile (the caller opens a new one).</summary>
    public async Task<bool> JoinAlertAsync(DbConnection connection, DbTransaction transaction, OpenAlert alert, DateTimeOffset firstEventAt,
        DateTimeOffset lastEventAt, DateTimeOffset now, CancellationToken ct)
    {
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE fraud_alerts
               SET score = @Score, severity = @severity, rules = @rules, hit_count = @HitCount, updated_at = @now,
                   last_event_at = CASE WHEN last_event_at < @lastEventAt THEN @lastEventAt ELSE last_event_at END,
                   first_event_at = CASE WHEN first_event_at > @firstEventAt THEN @firstEventAt ELSE first_event_at END
             WHERE merchant_id = @MerchantId AND id = @Id AND status = {(int)AlertStatus.Open}
            """,
            new
            {
                alert.Score, severity = (int)AlertSeverities.For(alert.Score), rules = AlertRules.Encode(alert.Rules), alert.HitCount, now,
                firstEventAt, lastEventAt, alert.MerchantId, alert.Id,
            }, transaction, cancellationToken: ct));
        return changed == 1;
    }

    /// <summary>
    /// The events of one merchant that occurred since <paramref name="since"/> and were received before
    /// <paramref name="until"/>, in arrival order: by receive time, then occurred time, then event id, a page at a time
    /// (keyset on that triple).
    /// </summary>
    /// <remarks>
    /// Arrival order is the order the live ingest loop scored in (every event of a request shares its receive time),
    /// so replaying it rebuilds the state the live engine had, late uploads of offline terminals included: they come
    /// after the events already stored, as they did live, not among them by occurred time. The only difference: the live
    /// loop takes a request's events in the order sent, a replay by occurred time within one receive instant. It is also
    /// the order of <c>ix_fraud_events_received</c>, which appends on ingest (migration 0079); the occurred-time
    /// selection is bounded on that index by <see cref="ReceivedFrom"/>.
    /// </remarks>
    public async IAsyncEnumerable<TransactionEvent> StreamAsync(Guid merchantId, DateTimeOffset since, DateTimeOffset until,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct, int pageSize = StreamPage)
    {
        var receivedFrom = ReceivedFrom(since);
        TransactionEvent? last = null;
        while (true)
        {
            await using var connection = await db.OpenAsync(ct);
            // A page is thousands of rows, many network reads: each row read whole without blocking a thread (BufferedRows).
            var rows = await connection.QueryRowsAsync<TransactionEvent>(new CommandDefinition(
                StreamSql(after: last is not null, pageSize),
                new
                {
                    merchantId, since, until, receivedFrom,
                    afterReceived = last?.ReceivedAt ?? receivedFrom, afterOccurred = last?.OccurredAt ?? since, afterId = last?.EventId ?? "",
                }, cancellationToken: ct));
            foreach (var row in rows)
            {
                yield return row;
            }

            if (rows.Count < pageSize)
            {
                yield break;
            }

            last = rows[^1];
        }
    }

    /// <summary>How many events <see cref="StreamAsync"/> would return for the same merchant and bounds.</summary>
    public async Task<long> CountAsync(Guid merchantId, DateTimeOffset since, DateTimeOffset until, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            CountSql, new { merchantId, since, until, receivedFrom = ReceivedFrom(since) }, cancellationToken: ct));
    }

    internal const int StreamPage = 5000;

    /// <summary>
    /// The earliest receive time of an event that occurred at or after <paramref name="since"/>: the validator refuses
    /// an event that occurred more than <see cref="TransactionBatchValidator.MaxClockSkew"/> after its receipt.
    /// </summary>
    internal static DateTimeOffset ReceivedFrom(DateTimeOffset since) => since - TransactionBatchValidator.MaxClockSkew;

    // The receive-time range is what the index (merchant_id, received_at) seeks; occurred_at is a filter on the rows it
    // finds. A later page starts the range at the last row's receive time, so it seeks past the pages already read.
    private const string Selection =
        "merchant_id = @merchantId AND received_at >= @receivedFrom AND received_at < @until AND occurred_at >= @since";

    internal const string CountSql = "SELECT count(*) FROM fraud_events WHERE " + Selection;

    private const string AfterLastRow =
        " AND received_at >= @afterReceived" +
        " AND (received_at > @afterReceived OR (received_at = @afterReceived AND" +
        " (occurred_at > @afterOccurred OR (occurred_at = @afterOccurred AND event_id > @afterId))))";

    /// <summary>A page of <see cref="StreamAsync"/>: the first one, or the one after the row named by <c>@after…</c>.</summary>
    internal static string StreamSql(bool after, int pageSize) =>
        $"SELECT {EventSelect} FROM fraud_events WHERE {Selection}{(after ? AfterLastRow : "")} " +
        $"ORDER BY received_at, occurred_at, event_id LIMIT {pageSize.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    public async Task<IReadOnlyList<OpenAlertRow>> OpenAlertsAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<OpenAlertRow>(new CommandDefinition(
            $"""
            SELECT merchant_id AS MerchantId, id AS Id, device_id AS DeviceId, card_token AS CardToken, last_event_at AS LastEventAt,
                   score AS Score, hit_count AS HitCount, rules AS Rules
              FROM fraud_alerts WHERE status = {(int)AlertStatus.Open}
            """, cancellationToken: ct));
        return rows.AsList();
    }

    private static string Summary(ScoreResult result) =>
        string.Join("; ", result.Hits.Where(h => !h.Shadow).Select(h => RuleCatalog.NameOf(h.RuleId)));
}

internal sealed class OpenAlertRow
{
    public Guid MerchantId { get; init; }
    public Guid Id { get; init; }
    public Guid DeviceId { get; init; }
    public string CardToken { get; init; } = "";
    public DateTimeOffset LastEventAt { get; init; }
    public int Score { get; init; }
    public int HitCount { get; init; }
    public string Rules { get; init; } = "";
}
