using AdminPortal.Features.Audit;
using AdminPortal.Features.Fraud.Scoring;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using Dapper;

namespace AdminPortal.Features.Fraud;

/// <summary>The person acting on an alert, from their sign-in claims.</summary>
public sealed record Analyst(Guid Id, string Name);

/// <summary>
/// Reads the review queue and records analysts' decisions. Every call takes the caller's <see cref="AccessScope"/>:
/// alerts of merchants outside it do not exist for them ("not found"), and deciding needs Owner or SupportAgent.
/// </summary>
public sealed class AlertQueue(IDbConnectionFactory db, IAuditLog audit, IFraudAlertFeed feed, AlertRouter router, TimeProvider clock)
{
    private const string Columns =
        "merchant_id AS MerchantId, id AS Id, status AS Status, severity AS Severity, score AS Score, device_id AS DeviceId, store_id AS StoreId, " +
        "card_token AS CardToken, bin AS Bin, last4 AS Last4, rules AS Rules, summary AS Summary, hit_count AS HitCount, " +
        "first_event_at AS FirstEventAt, last_event_at AS LastEventAt, opened_at AS OpenedAt, updated_at AS UpdatedAt, " +
        "assignee_id AS AssigneeId, assignee_name AS AssigneeName, decided_at AS DecidedAt, decided_by_id AS DecidedById, " +
        "decided_by_name AS DecidedByName, decision_reason AS DecisionReason";

    private static readonly MerchantRole[] DecidingRoles = [MerchantRole.Owner, MerchantRole.SupportAgent];

    public const int MaxReasonLength = 2000;

    public async Task<AlertPage> SearchAsync(AccessScope scope, AlertQuery query, CancellationToken ct = default)
    {
        var (where, parameters) = Filter(scope, query);
        await using var connection = await db.OpenAsync(ct);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT count(*) FROM fraud_alerts WHERE {where}", parameters, cancellationToken: ct));
        parameters.Add("skip", query.Skip);
        parameters.Add("take", query.Take);
        var rows = await connection.QueryAsync<FraudAlert>(new CommandDefinition(
            $"SELECT {Columns} FROM fraud_alerts WHERE {where} ORDER BY severity DESC, opened_at DESC, id LIMIT @take OFFSET @skip",
            parameters, cancellationToken: ct));
        return new AlertPage(rows.AsList(), total);
    }

    /// <summary>The open unassigned alert an analyst should take next: most severe first, then oldest.</summary>
    public async Task<FraudAlert?> NextUnassignedAsync(AccessScope scope, CancellationToken ct = default)
    {
        var (where, parameters) = Filter(scope, new AlertQuery { Status = AlertStatus.Open, Assignee = AssigneeFilter.Unassigned });
        await using var connection = await db.OpenAsync(ct);
        return await connection.QueryFirstOrDefaultAsync<FraudAlert>(new CommandDefinition(
            $"SELECT {Columns} FROM fraud_alerts WHERE {where} ORDER BY severity DESC, opened_at, id LIMIT 1", parameters, cancellationToken: ct));
    }

    public async Task<FraudAlert?> FindAsync(AccessScope scope, Guid alertId, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        var alert = await connection.QuerySingleOrDefaultAsync<FraudAlert>(new CommandDefinition(
            $"SELECT {Columns} FROM fraud_alerts WHERE id = @alertId", new { alertId }, cancellationToken: ct));
        return alert is not null && scope.CanSee(alert.MerchantId) ? alert : null;
    }

    public async Task<IReadOnlyList<AlertHit>> HitsAsync(AccessScope scope, Guid alertId, CancellationToken ct = default)
    {
        var alert = await FindAsync(scope, alertId, ct);
        if (alert is null)
        {
            return [];
        }

        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<AlertHit>(new CommandDefinition(
            """
            SELECT h.event_id AS EventId, h.rule_id AS RuleId, h.occurred_at AS OccurredAt, h.points AS Points, h.explanation AS Explanation,
                   e.amount_minor AS AmountMinor, e.currency AS Currency, e.last4 AS Last4, e.type AS Type, e.entry_mode AS EntryMode,
                   e.result AS Result
              FROM fraud_rule_hits h
              JOIN fraud_events e ON e.merchant_id = h.merchant_id AND e.event_id = h.event_id
             WHERE h.merchant_id = @MerchantId AND h.alert_id = @Id
             ORDER BY h.occurred_at, h.event_id, h.rule_id
            """, new { alert.MerchantId, alert.Id }, cancellationToken: ct));
        return rows.AsList();
    }

    public bool CanDecide(AccessScope scope, Guid merchantId) => scope.Has(merchantId, DecidingRoles);

    public async Task<AlertChangeOutcome> AssignToAsync(AccessScope scope, Guid alertId, Analyst analyst, CancellationToken ct = default)
    {
        var alert = await FindAsync(scope, alertId, ct);
        if (alert is null)
        {
            return AlertChangeOutcome.NotFound;
        }

        if (!CanDecide(scope, alert.MerchantId))
        {
            return AlertChangeOutcome.Forbidden;
        }

        if (alert.Status != AlertStatus.Open)
        {
            return AlertChangeOutcome.AlreadyDecided;
        }

        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE fraud_alerts SET assignee_id = @analystId, assignee_name = @analystName, updated_at = @now
             WHERE merchant_id = @MerchantId AND id = @Id AND status = {(int)AlertStatus.Open}
            """,
            new { analystId = analyst.Id, analystName = analyst.Name, now = clock.GetUtcNow(), alert.MerchantId, alert.Id }, transaction, cancellationToken: ct));
        if (changed == 0)
        {
            return AlertChangeOutcome.AlreadyDecided;
        }

        await audit.RecordAsync(new AuditEvent
        {
            Category = "fraud",
            Action = "alert.assigned",
            Summary = $"{analyst.Name} took fraud alert {alert.Reference}.",
            ActorId = analyst.Id,
            ActorName = analyst.Name,
            MerchantId = alert.MerchantId,
            TargetType = "fraud-alert",
            TargetId = alert.Id.ToString(),
        }, connection, transaction, ct);
        await transaction.CommitAsync(ct);
        feed.Publish(new FraudAlertNotice(alert.MerchantId, alert.Id, AlertChange.Updated, alert.Severity));
        return AlertChangeOutcome.Done;
    }

    /// <summary>Confirms fraud or dismisses as a false positive; the reason is required and goes to the audit log.</summary>
    public async Task<AlertChangeOutcome> DecideAsync(AccessScope scope, Guid alertId, AlertDecisionKind decision, string? reason, Analyst analyst,
        CancellationToken ct = default)
    {
        reason = reason?.Trim();
        if (string.IsNullOrEmpty(reason) || reason.Length > MaxReasonLength)
        {
            return AlertChangeOutcome.ReasonRequired;
        }

        var alert = await FindAsync(scope, alertId, ct);
        if (alert is null)
        {
            return AlertChangeOutcome.NotFound;
        }

        if (!CanDecide(scope, alert.MerchantId))
        {
            return AlertChangeOutcome.Forbidden;
        }

        var status = decision == AlertDecisionKind.ConfirmFraud ? AlertStatus.ConfirmedFraud : AlertStatus.FalsePositive;
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE fraud_alerts
               SET status = @status, decided_at = @now, decided_by_id = @analystId, decided_by_name = @analystName,
                   decision_reason = @reason, updated_at = @now,
                   assignee_id = COALESCE(assignee_id, @analystId), assignee_name = COALESCE(assignee_name, @analystName)
             WHERE merchant_id = @MerchantId AND id = @Id AND status = {(int)AlertStatus.Open}
            """,
            new { status = (int)status, now = clock.GetUtcNow(), analystId = analyst.Id, analystName = analyst.Name, reason, alert.MerchantId, alert.Id },
            transaction, cancellationToken: ct));
        if (changed == 0)
        {
            return AlertChangeOutcome.AlreadyDecided;
        }

        var verdict = decision == AlertDecisionKind.ConfirmFraud ? "confirmed as fraud" : "dismissed as a false positive";
        await audit.RecordAsync(new AuditEvent
        {
            Category = "fraud",
            Action = decision == AlertDecisionKind.ConfirmFraud ? "alert.confirmed" : "alert.dismissed",
            Summary = $"{analyst.Name} {verdict} fraud alert {alert.Reference}: {reason}",
            ActorId = analyst.Id,
            ActorName = analyst.Name,
            MerchantId = alert.MerchantId,
            TargetType = "fraud-alert",
            TargetId = alert.Id.ToString(),
        }, connection, transaction, ct);
        await transaction.CommitAsync(ct);
        router.Close(alert.MerchantId, alert.Id);
        feed.Publish(new FraudAlertNotice(alert.MerchantId, alert.Id, AlertChange.Decided, alert.Severity));
        return AlertChangeOutcome.Done;
    }

    public async Task<IReadOnlyDictionary<AlertSeverity, long>> OpenCountsAsync(AccessScope scope, CancellationToken ct = default)
    {
        var (where, parameters) = Filter(scope, new AlertQuery { Status = AlertStatus.Open });
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<(long Severity, long Count)>(new CommandDefinition(
            $"SELECT CAST(severity AS bigint), count(*) FROM fraud_alerts WHERE {where} GROUP BY severity", parameters, cancellationToken: ct));
        return rows.ToDictionary(r => (AlertSeverity)r.Severity, r => r.Count);
    }

    private (string Where, DynamicParameters Parameters) Filter(AccessScope scope, AlertQuery query)
    {
        var where = new List<string>();
        var parameters = new DynamicParameters();
        where.Add(ScopeSql.Filter(scope, db.Dialect, parameters));

        if (query.MerchantId is { } merchantId)
        {
            where.Add("merchant_id = @merchantId");
            parameters.Add("merchantId", merchantId);
        }

        if (query.DeviceId is { } deviceId)
        {
            where.Add("device_id = @deviceId");
            parameters.Add("deviceId", deviceId);
        }

        if (query.Status is { } status)
        {
            where.Add("status = @status");
            parameters.Add("status", (int)status);
        }

        if (query.MinSeverity is { } severity)
        {
            where.Add("severity >= @severity");
            parameters.Add("severity", (int)severity);
        }

        if (query.RuleId is { Length: > 0 } ruleId)
        {
            where.Add("rules LIKE @rulePattern");
            parameters.Add("rulePattern", AlertRules.Pattern(ruleId));
        }

        switch (query.Assignee)
        {
            case AssigneeFilter.Unassigned:
                where.Add("assignee_id IS NULL");
                break;
            case AssigneeFilter.Me:
                where.Add("assignee_id = @me");
                parameters.Add("me", scope.PersonId ?? Guid.Empty);
                break;
        }

        return (where.Count == 0 ? "1 = 1" : string.Join(" AND ", where), parameters);
    }
}
