using AdminPortal.Features.Audit;
using AdminPortal.Features.Merchants;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using Dapper;
using Microsoft.Extensions.Options;

namespace AdminPortal.Features.Devices.Enrollment;

/// <summary>A code just made: the only time its text exists outside the terminal that uses it.</summary>
public sealed record CreatedEnrollmentCode(Guid Id, string Code, Guid MerchantId, Guid StoreId, DateTimeOffset ExpiresAt);

public sealed class EnrollmentCodeInfo
{
    public Guid MerchantId { get; init; }
    public Guid Id { get; init; }
    public Guid StoreId { get; init; }
    public required string CodeHint { get; init; }
    public required string CreatedBy { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? UsedAt { get; init; }
    public Guid? DeviceId { get; init; }
}

/// <summary>Makes and lists one-time enrollment codes, each bound to a merchant and store.</summary>
public sealed class EnrollmentCodes(
    IDbConnectionFactory db, MerchantDirectory merchants, IAuditLog audit, TimeProvider clock, IOptions<DeviceOptions> options)
{
    public const int MaxCount = 500;
    public const int MaxLifetimeHours = 24 * 14;

    private const string InsertCode =
        """
        INSERT INTO enrollment_codes (merchant_id, id, store_id, code_hash, code_hint, created_by, created_at, expires_at)
        VALUES (@merchantId, @id, @storeId, @codeHash, @codeHint, @createdBy, @now, @expiresAt)
        """;

    public async Task<IReadOnlyList<CreatedEnrollmentCode>> CreateAsync(
        AccessScope scope, DeviceActor actor, Guid merchantId, Guid storeId, int count, int? lifetimeHours = null, CancellationToken ct = default)
    {
        DeviceAccess.RequireActor(scope, merchantId, "create enrollment codes");
        if (count is < 1 or > MaxCount)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"Between 1 and {MaxCount} codes at a time.");
        }

        var hours = lifetimeHours ?? options.Value.EnrollmentCodeHours;
        if (hours is < 1 or > MaxLifetimeHours)
        {
            throw new ArgumentOutOfRangeException(nameof(lifetimeHours), $"A code lives between 1 and {MaxLifetimeHours} hours.");
        }

        var stores = await merchants.ListStoresAsync(merchantId, ct);
        var store = stores.FirstOrDefault(s => s.Id == storeId) ?? throw new KeyNotFoundException("The store was not found.");

        var now = clock.GetUtcNow();
        var expiresAt = now.AddHours(hours);
        var created = Enumerable.Range(0, count)
            .Select(_ => new CreatedEnrollmentCode(Guid.NewGuid(), DeviceSecrets.NewEnrollmentCode(), merchantId, storeId, expiresAt))
            .ToList();

        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        foreach (var c in created)
        {
            await connection.ExecuteAsync(new CommandDefinition(InsertCode, new
            {
                merchantId, id = c.Id, storeId, codeHash = DeviceSecrets.HashEnrollmentCode(c.Code), codeHint = DeviceSecrets.CodeHint(c.Code),
                createdBy = actor.Name, now, expiresAt,
            }, transaction, cancellationToken: ct));
        }

        await audit.RecordAsync(new AuditEvent
        {
            Category = "devices",
            Action = "enrollment-code.created",
            Summary = $"Created {count} enrollment code{(count == 1 ? "" : "s")} for store {store.Name}, valid until {expiresAt:yyyy-MM-dd HH:mm} UTC",
            ActorId = actor.PersonId,
            ActorName = actor.Name,
            MerchantId = merchantId,
            TargetType = "store",
            TargetId = storeId.ToString(),
            IpAddress = actor.IpAddress,
            UserAgent = actor.UserAgent,
        }, connection, transaction, ct);
        await transaction.CommitAsync(ct);
        return created;
    }

    /// <summary>The newest codes of the merchants in scope (never the codes themselves: only their hints).</summary>
    public async Task<IReadOnlyList<EnrollmentCodeInfo>> ListAsync(AccessScope scope, Guid? merchantId = null, int take = 100, CancellationToken ct = default)
    {
        var filter = DeviceAccess.MerchantFilter(scope, merchantId, db.Dialect);
        if (filter is null)
        {
            return [];
        }

        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<EnrollmentCodeInfo>(new CommandDefinition(
            $"""
            SELECT merchant_id AS MerchantId, id AS Id, store_id AS StoreId, code_hint AS CodeHint, created_by AS CreatedBy,
                   created_at AS CreatedAt, expires_at AS ExpiresAt, used_at AS UsedAt, device_id AS DeviceId
            FROM enrollment_codes
            WHERE {filter.Sql}
            ORDER BY created_at DESC
            LIMIT @take
            """, new DynamicParameters(filter.Parameters).With("take", take), cancellationToken: ct));
        return rows.AsList();
    }
}
