using AdminPortal.Features.Audit;
using AdminPortal.Features.Compliance.Assessments;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using Dapper;

namespace AdminPortal.Features.Compliance.Awareness;

public sealed class AwarenessAcknowledgement
{
    public Guid MerchantId { get; init; }
    public Guid PersonId { get; init; }
    public required string Topic { get; init; }
    public int TopicVersion { get; init; }
    public required string PersonName { get; init; }
    public DateTimeOffset AcknowledgedAt { get; init; }
}

/// <summary>Read acknowledgements of the security-awareness material: evidence for 9.5.1.3 and 12.6.</summary>
public sealed class AwarenessStore(IDbConnectionFactory db, IAuditLog audit, TimeProvider clock)
{
    private const string Columns =
        "merchant_id AS MerchantId, person_id AS PersonId, topic AS Topic, topic_version AS TopicVersion, person_name AS PersonName, acknowledged_at AS AcknowledgedAt";

    /// <summary>Anyone with a role in the merchant acknowledges for themselves; acknowledging twice keeps the first time.</summary>
    public async Task AcknowledgeAsync(AccessScope scope, ComplianceActor actor, Guid merchantId, AwarenessTopic topic, CancellationToken ct = default)
    {
        if (!scope.CanSee(merchantId))
        {
            throw new ComplianceRuleException("That merchant was not found, or you have no access to it.");
        }

        if (actor.PersonId is not { } personId)
        {
            throw new ComplianceRuleException("Sign in to acknowledge the material.");
        }

        await using var connection = await db.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO awareness_acknowledgements (merchant_id, person_id, topic, topic_version, person_name, acknowledged_at)
            VALUES (@merchantId, @personId, @topic, @version, @name, @now)
            {SqlDialect.OnConflictDoNothing("merchant_id, person_id, topic, topic_version")}
            """,
            new { merchantId, personId, topic = topic.Key, version = topic.Version, name = actor.Name, now = clock.GetUtcNow() }, tx, cancellationToken: ct));
        if (inserted > 0)
        {
            await audit.RecordAsync(new AuditEvent
            {
                Category = "compliance",
                Action = "awareness.acknowledged",
                Summary = $"Acknowledged reading \"{topic.Title}\" (version {topic.Version}).",
                ActorId = personId,
                ActorName = actor.Name,
                MerchantId = merchantId,
                TargetType = "awareness-topic",
                TargetId = topic.Key,
            }, connection, tx, ct);
        }

        await tx.CommitAsync(ct);
    }

    public async Task<IReadOnlyList<AwarenessAcknowledgement>> ListAsync(AccessScope scope, Guid merchantId, CancellationToken ct = default)
    {
        if (!scope.CanSee(merchantId))
        {
            return [];
        }

        return await ListForEvidenceAsync(merchantId, ct);
    }

    /// <summary>Unscoped: only for the evidence source, whose caller has checked the scope.</summary>
    internal async Task<IReadOnlyList<AwarenessAcknowledgement>> ListForEvidenceAsync(Guid merchantId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<AwarenessAcknowledgement>(new CommandDefinition(
            $"SELECT {Columns} FROM awareness_acknowledgements WHERE merchant_id = @merchantId ORDER BY acknowledged_at DESC",
            new { merchantId }, cancellationToken: ct));
        return rows.AsList();
    }
}
