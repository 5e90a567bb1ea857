using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using Dapper;

namespace AdminPortal.Features.Patching;

public sealed record PolicyQuery
{
    public Guid? MerchantId { get; init; }
    public PolicyStatus? Status { get; init; }
    public string? Text { get; init; }
    public int Skip { get; init; }
    public int Take { get; init; } = 25;
}

/// <summary>Reads policies. Every read takes the person's scope; the unscoped ones serve the check-in and the supervisor.</summary>
public sealed class PatchPolicyQueries(IDbConnectionFactory db)
{
    internal const string Columns =
        "merchant_id AS MerchantId, id AS Id, name AS Name, status AS Status, definition AS Definition, " +
        "created_by_id AS CreatedById, created_by_name AS CreatedByName, edited_by_id AS EditedById, edited_by_name AS EditedByName, " +
        "submitted_by_id AS SubmittedById, submitted_by_name AS SubmittedByName, submitted_at AS SubmittedAt, " +
        "approved_by_id AS ApprovedById, approved_by_name AS ApprovedByName, activated_at AS ActivatedAt, ring_index AS RingIndex, " +
        "ring_started_at AS RingStartedAt, rollout_phase AS RolloutPhase, halt_reason AS HaltReason, outcomes_since AS OutcomesSince, " +
        "status_reason AS StatusReason, created_at AS CreatedAt, updated_at AS UpdatedAt, row_version AS RowVersion";

    /// <summary>The policy, or null when it does not exist or its merchant is outside the scope.</summary>
    public async Task<PatchPolicy?> GetAsync(AccessScope scope, Guid id, CancellationToken ct = default)
    {
        var parameters = new DynamicParameters(new { id });
        var filter = ScopeSql.MerchantFilter(scope, db.Dialect, parameters);
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<PatchPolicy>(new CommandDefinition(
            $"SELECT {Columns} FROM patch_policies WHERE id = @id AND {filter}", parameters, cancellationToken: ct));
    }

    public async Task<Page<PatchPolicy>> SearchAsync(AccessScope scope, PolicyQuery query, CancellationToken ct = default)
    {
        var parameters = new DynamicParameters();
        var where = new List<string> { ScopeSql.MerchantFilter(scope, db.Dialect, parameters) };
        if (query.MerchantId is { } merchantId)
        {
            where.Add("merchant_id = @merchantId");
            parameters.Add("merchantId", merchantId);
        }

        if (query.Status is { } status)
        {
            where.Add("status = @status");
            parameters.Add("status", (int)status);
        }

        if (!string.IsNullOrWhiteSpace(query.Text))
        {
            where.Add($"name {db.Dialect.ILike} @text");
            parameters.Add("text", "%" + query.Text.Trim() + "%");
        }

        var filter = string.Join(" AND ", where);
        parameters.Add("skip", Math.Max(0, query.Skip));
        parameters.Add("take", Math.Clamp(query.Take, 1, 500));
        await using var connection = await db.OpenAsync(ct);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT count(*) FROM patch_policies WHERE {filter}", parameters, cancellationToken: ct));
        var rows = await connection.QueryAsync<PatchPolicy>(new CommandDefinition(
            $"SELECT {Columns} FROM patch_policies WHERE {filter} ORDER BY updated_at DESC, id LIMIT @take OFFSET @skip", parameters, cancellationToken: ct));
        return new Page<PatchPolicy>(rows.AsList(), total);
    }

    /// <summary>Active policies of one merchant (check-in path: the device's own merchant, so no person's scope applies).</summary>
    public async Task<IReadOnlyList<PatchPolicy>> ListInForceAsync(Guid merchantId, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<PatchPolicy>(new CommandDefinition(
            $"SELECT {Columns} FROM patch_policies WHERE merchant_id = @merchantId AND status = @active",
            new { merchantId, active = (int)PolicyStatus.Active }, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>Active policies of the merchants in scope (all merchants for the supervisor's platform scope).</summary>
    public async Task<IReadOnlyList<PatchPolicy>> ListInForceAsync(AccessScope scope, CancellationToken ct = default)
    {
        var parameters = new DynamicParameters(new { active = (int)PolicyStatus.Active });
        var filter = ScopeSql.MerchantFilter(scope, db.Dialect, parameters);
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<PatchPolicy>(new CommandDefinition(
            $"SELECT {Columns} FROM patch_policies WHERE status = @active AND {filter} ORDER BY merchant_id, id", parameters, cancellationToken: ct));
        return rows.AsList();
    }
}
