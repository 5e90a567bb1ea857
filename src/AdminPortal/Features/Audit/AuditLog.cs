using System.Data.Common;
using AdminPortal.Infrastructure.Database;
using Dapper;

namespace AdminPortal.Features.Audit;

public interface IAuditLog
{
    Task RecordAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records inside the caller's transaction, so the action and its audit row commit or fail together (null: one the caller
    /// began in SQL on this connection).
    /// </summary>
    Task RecordAsync(AuditEvent auditEvent, DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken = default);

    Task<AuditPage> SearchAsync(AuditQuery query, CancellationToken cancellationToken = default);

    Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// Appends hash-chained rows, each sealed with an HMAC under the audit chain key (kept outside the database), so a
/// writer to the database can neither change, remove nor add an entry without verification noticing — except cutting
/// off the newest entries, which no chain held in the same database can show (see the Audit README). Appends are
/// serialised (SQLite: the write transaction; PostgreSQL: a transaction-scoped advisory lock, which also holds across
/// several portal instances) so every row links to the one before it.
/// </summary>
internal sealed class AuditLog(IDbConnectionFactory db, TimeProvider clock, AuditChainKeys keys) : IAuditLog
{
    private const long ChainLockKey = 0x4155_4449_5443; // "AUDITC"

    private const string Columns =
        "seq AS Seq, id AS Id, occurred_at AS OccurredAt, category AS Category, action AS Action, outcome AS Outcome, summary AS Summary, " +
        "actor_id AS ActorId, actor_name AS ActorName, merchant_id AS MerchantId, target_type AS TargetType, target_id AS TargetId, " +
        "ip_address AS IpAddress, user_agent AS UserAgent, prev_hash AS PrevHash, hash AS Hash, key_id AS KeyId";

    public async Task RecordAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await RecordAsync(auditEvent, connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task RecordAsync(AuditEvent auditEvent, DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken = default)
    {
        if (db.Dialect.IsPostgres)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "SELECT pg_advisory_xact_lock(@key)", new { key = ChainLockKey }, transaction, cancellationToken: cancellationToken));
        }

        var prevHash = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1", transaction: transaction, cancellationToken: cancellationToken)) ?? AuditHash.Genesis;
        var id = Guid.NewGuid();
        var occurredAt = AuditHash.Normalise(clock.GetUtcNow());
        var hash = AuditHash.ComputeKeyed(keys.CurrentKey, keys.CurrentId, prevHash, id, occurredAt, auditEvent);

        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO audit_log (id, occurred_at, category, action, outcome, summary, actor_id, actor_name, merchant_id,
                                   target_type, target_id, ip_address, user_agent, prev_hash, hash, key_id)
            VALUES (@id, @occurredAt, @Category, @Action, @Outcome, @Summary, @ActorId, @ActorName, @MerchantId,
                    @TargetType, @TargetId, @IpAddress, @UserAgent, @prevHash, @hash, @keyId)
            """,
            new
            {
                id, occurredAt, auditEvent.Category, auditEvent.Action, Outcome = (int)auditEvent.Outcome, auditEvent.Summary,
                auditEvent.ActorId, auditEvent.ActorName, auditEvent.MerchantId, auditEvent.TargetType, auditEvent.TargetId,
                auditEvent.IpAddress, auditEvent.UserAgent, prevHash, hash, keyId = keys.CurrentId,
            },
            transaction, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// When the newest entry predates the audit chain key (a database from before keyed sealing), appends a sealed entry
    /// that anchors the unsealed ones: from then on none of them can be changed, and none added after them, unnoticed.
    /// </summary>
    public async Task<bool> AnchorUnsealedEntriesAsync(CancellationToken cancellationToken = default)
    {
        long unsealed;
        await using (var connection = await db.OpenAsync(cancellationToken))
        {
            var newestIsUnsealed = await connection.ExecuteScalarAsync<int?>(new CommandDefinition(
                "SELECT CASE WHEN key_id IS NULL THEN 1 ELSE 0 END FROM audit_log ORDER BY seq DESC LIMIT 1", cancellationToken: cancellationToken));
            if (newestIsUnsealed != 1)
            {
                return false;
            }

            unsealed = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT count(*) FROM audit_log WHERE key_id IS NULL", cancellationToken: cancellationToken));
        }

        await RecordAsync(new AuditEvent
        {
            Category = "compliance",
            Action = "audit.chain-sealed",
            Summary = $"Audit entries are sealed with audit key {keys.CurrentId} from here on; this entry anchors the {unsealed} entries written before the key existed.",
        }, cancellationToken);
        return true;
    }

    public async Task<AuditPage> SearchAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        var where = new List<string>();
        var parameters = new DynamicParameters();
        if (query.MerchantIds is not null)
        {
            var merchants = query.MerchantIds.Count == 0 ? "1 = 0" : db.Dialect.AnyOf("merchant_id", "merchantIds");
            where.Add(query.IncludePlatformEvents ? $"({merchants} OR merchant_id IS NULL)" : merchants);
            parameters.Add("merchantIds", query.MerchantIds.ToArray());
        }

        if (!string.IsNullOrWhiteSpace(query.Category))
        {
            where.Add("category = @category");
            parameters.Add("category", query.Category);
        }

        if (!string.IsNullOrWhiteSpace(query.Text))
        {
            where.Add($"(summary {db.Dialect.ILike} @text OR action {db.Dialect.ILike} @text OR actor_name {db.Dialect.ILike} @text)");
            parameters.Add("text", $"%{query.Text.Trim()}%");
        }

        if (query.From is { } from)
        {
            where.Add("occurred_at >= @from");
            parameters.Add("from", from);
        }

        if (query.To is { } to)
        {
            where.Add("occurred_at < @to");
            parameters.Add("to", to);
        }

        var filter = where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where);
        parameters.Add("take", Math.Clamp(query.Take, 1, 500));
        parameters.Add("skip", Math.Max(query.Skip, 0));

        await using var connection = await db.OpenAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT count(*) FROM audit_log {filter}", parameters, cancellationToken: cancellationToken));
        var rows = await connection.QueryAsync<AuditRecord>(new CommandDefinition(
            $"SELECT {Columns} FROM audit_log {filter} ORDER BY seq DESC LIMIT @take OFFSET @skip", parameters, cancellationToken: cancellationToken));
        return new AuditPage(rows.AsList(), total);
    }

    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var expectedPrev = AuditHash.Genesis;
        long checkedRows = 0;
        long unsealedRows = 0;
        var sealedSeen = false;
        // Streamed: the log may be long; rows come in chain order, each read whole without blocking a thread (BufferedRows).
        var rows = connection.StreamRowsAsync<AuditRecord>(new CommandDefinition(
            $"SELECT {Columns} FROM audit_log ORDER BY seq", cancellationToken: cancellationToken));
        await foreach (var row in rows)
        {
            checkedRows++;
            if (row.PrevHash != expectedPrev)
            {
                return Broken(row, $"Entry {row.Seq} does not follow the entry before it: an entry was removed or reordered.");
            }

            if (row.KeyId is null)
            {
                // Entries from before the key existed are checked the old way; once sealed entries exist, an unsealed
                // one can only have been written by someone without the key.
                if (sealedSeen)
                {
                    return Broken(row, $"Entry {row.Seq} is not sealed with the audit key although earlier entries are: it was not written by the portal.");
                }

                if (AuditHash.ComputeUnkeyed(row) != row.Hash)
                {
                    return Broken(row, $"Entry {row.Seq} was changed after it was written.");
                }

                unsealedRows++;
            }
            else
            {
                if (keys.Find(row.KeyId) is not { } key)
                {
                    return Broken(row, $"Entry {row.Seq} is sealed with audit key {row.KeyId}, which this portal does not hold: " +
                        "configure that key (Audit:ChainKey or Audit:RetiredChainKeys), or the entry was forged.");
                }

                if (AuditHash.ComputeKeyed(key, row) != row.Hash)
                {
                    return Broken(row, $"Entry {row.Seq} was changed after it was written, or was not written by the portal: its seal does not match.");
                }

                sealedSeen = true;
            }

            expectedPrev = row.Hash;
        }

        // Unsealed entries at the end are not yet anchored by a sealed one: say so rather than call them proven.
        return new AuditVerification(checkedRows, null, null, unsealedRows) { UnsealedTail = !sealedSeen && unsealedRows > 0 };

        AuditVerification Broken(AuditRecord row, string problem) => new(checkedRows, row.Seq, problem, unsealedRows);
    }
}
