using System.Data.Common;
using AdminPortal.Features.Fraud.Scoring;
using AdminPortal.Infrastructure.Database;
using Dapper;

namespace AdminPortal.Features.Fraud.Ingestion;

/// <summary>The SQL of ingestion: events, their rule hits and the alerts they open or join, all inside the caller's transaction.</summary>
internal sealed class FraudEventStore(IDbConnectionFactory db)
{
    private static readonly string[] EventColumns =
    [
        "merchant_id", "event_id", "device_id", "store_id", "occurred_at", "received_at", "type", "amount_minor", "currency",
        "card_token", "bin", "last4", "entry_mode", "result", "response_code", "latitude", "longitude",
    ];

    private static readonly string[] HitColumns =
        ["merchant_id", "event_id", "rule_id", "occurred_at", "points", "shadow", "would_alert", "explanation", "alert_id"];

    internal const string EventSelect =
        "merchant_id AS MerchantId, event_id AS EventId, device_id AS DeviceId, store_id AS StoreId, occurred_at AS OccurredAt, " +
        "received_at AS ReceivedAt, type AS Type, amount_minor AS AmountMinor, currency AS Currency, card_token AS CardToken, bin AS Bin, " +
        "last4 AS Last4, entry_mode AS EntryMode, result AS Result, response_code AS ResponseCode, latitude AS Latitude, longitude AS Longitude";

    /// <summary>Inserts the events that are new; returns their keys (a retried event id is silently skipped).</summary>
    public async Task<HashSet<(Guid, string)>> InsertNewAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<TransactionEvent> events, CancellationToken ct)
    {
        var rows = await MultiRowInsert.InsertIgnoringConflictsAsync(connection, transaction, db.Dialect, "fraud_events", EventColumns, events, e =>
        [
            e.MerchantId, e.EventId, e.DeviceId, e.StoreId, e.OccurredAt, e.ReceivedAt, (int)e.Type, e.AmountMinor, e.Currency,
            e.CardToken, e.Bin, e.Last4, (int)e.EntryMode, (int)e.Result, e.ResponseCode, e.Latitude, e.Longitude,
        ], ["merchant_id", "event_id"], ct);
        return rows.Select(i => (events[i].MerchantId, events[i].EventId)).ToHashSet();
    }

    public async Task SaveScoresAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<ScoreResult> scored,
        IReadOnlyDictionary<ScoreResult, Guid> alertOf, CancellationToken ct)
    {
        var withHits = scored.Where(s => s.Hits.Count > 0).ToList();
        if (withHits.Count == 0)
        {
            return;
        }

        var hits = withHits.SelectMany(s => s.Hits.Select(h => (Result: s, Hit: h))).ToList();
        await MultiRowInsert.InsertIgnoringConflictsAsync(connection, transaction, db.Dialect, "fraud_rule_hits", HitColumns, hits, x =>
        [
            x.Result.Event.MerchantId, x.Result.Event.EventId, x.Hit.RuleId, x.Result.Event.OccurredAt, x.Hit.Points, x.Hit.Shadow,
            x.Result.WouldAlert, x.Hit.Explanation,
            !x.Hit.Shadow && alertOf.TryGetValue(x.Result, out var alertId) ? alertId : (Guid?)null,
        ], ["merchant_id", "event_id", "rule_id"], ct);
    }

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

    /// <summary>Stored events of one merchant since <paramref name="since"/>, oldest first, a page at a time (keyset).</summary>
    public async IAsyncEnumerable<TransactionEvent> StreamAsync(Guid merchantId, DateTimeOffset since, DateTimeOffset until,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        const int Page = 5000;
        var afterTime = since;
        var afterId = "";
        while (true)
        {
            await using var connection = await db.OpenAsync(ct);
            var rows = (await connection.QueryAsync<TransactionEvent>(new CommandDefinition(
                $"""
                SELECT {EventSelect} FROM fraud_events
                 WHERE merchant_id = @merchantId AND occurred_at < @until
                   AND (occurred_at > @afterTime OR (occurred_at = @afterTime AND event_id > @afterId))
                 ORDER BY occurred_at, event_id
                 LIMIT {Page}
                """, new { merchantId, until, afterTime, afterId }, cancellationToken: ct))).AsList();
            foreach (var row in rows)
            {
                yield return row;
            }

            if (rows.Count < Page)
            {
                yield break;
            }

            afterTime = rows[^1].OccurredAt;
            afterId = rows[^1].EventId;
        }
    }

    public async Task<long> CountSinceAsync(Guid merchantId, DateTimeOffset since, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM fraud_events WHERE merchant_id = @merchantId AND occurred_at >= @since", new { merchantId, since }, cancellationToken: ct));
    }

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
