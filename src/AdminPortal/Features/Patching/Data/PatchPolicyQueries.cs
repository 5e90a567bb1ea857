using System.Collections.Concurrent;
using System.Diagnostics;
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
    private static readonly long InForceLifetime = Stopwatch.Frequency * 5;

    private readonly ConcurrentDictionary<Guid, InForce> _inForce = new();
    private long _inForceGeneration;

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

    /// <summary>
    /// <see cref="ListInForceAsync(Guid, CancellationToken)"/> for the check-in, which asks for every terminal: kept in
    /// memory per merchant. Every change of a policy goes through <see cref="PatchPolicyLifecycle"/>, which forgets the
    /// merchant's entry right after its commit; a change made by another portal instance is seen when the entry expires
    /// (<see cref="InForceLifetime"/>), so a paused policy reaches at most a few seconds' check-ins there.
    /// </summary>
    public async Task<IReadOnlyList<PatchPolicy>> ListInForceForCheckInAsync(Guid merchantId, CancellationToken ct = default)
    {
        var now = Stopwatch.GetTimestamp();
        if (_inForce.TryGetValue(merchantId, out var cached) && now - cached.LoadedAt < InForceLifetime)
        {
            return cached.Policies;
        }

        var generation = Interlocked.Read(ref _inForceGeneration);
        var entry = new InForce(await ListInForceAsync(merchantId, ct), now);
        _inForce[merchantId] = entry;
        if (Interlocked.Read(ref _inForceGeneration) != generation)
        {
            // A policy changed while this was read: the read may predate the change, so it is not kept.
            _inForce.TryRemove(new KeyValuePair<Guid, InForce>(merchantId, entry));
        }

        return entry.Policies;
    }

    /// <summary>Called by <see cref="PatchPolicyLifecycle"/> after committing any change of one of the merchant's policies.</summary>
    internal void ForgetInForce(Guid merchantId)
    {
        Interlocked.Increment(ref _inForceGeneration);
        _inForce.TryRemove(merchantId, out _);
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

    private sealed record InForce(IReadOnlyList<PatchPolicy> Policies, long LoadedAt);
}
