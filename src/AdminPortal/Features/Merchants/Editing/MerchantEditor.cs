using AdminPortal.Features.Audit;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Infrastructure.Validation;
using Dapper;

namespace AdminPortal.Features.Merchants.Editing;

/// <summary>Thrown when a person tries something their roles do not allow; pages show it, endpoints answer 404/403.</summary>
public sealed class AccessDeniedException(string message) : Exception(message);

/// <summary>
/// Creates and edits merchants (platform admins) and stores (platform admins and the merchant's owners),
/// validating input and writing the audit entry in the same transaction as the change.
/// </summary>
public sealed class MerchantEditor(IDbConnectionFactory db, IAuditLog audit, TimeProvider clock)
{
    public async Task<Merchant> CreateMerchantAsync(AccessScope scope, MerchantInput input, CancellationToken ct = default)
    {
        RequirePlatformAdmin(scope);
        input.Normalise();
        var errors = input.Validate();
        errors.ThrowIfAny();

        var id = Guid.NewGuid();
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await EnsureMerchantNumberFreeAsync(connection, transaction, input.MerchantNumber, null, ct);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO merchants (id, merchant_number, name, country, pci_level, saq_type, created_at, updated_at)
            VALUES (@id, @MerchantNumber, @Name, @Country, @PciLevel, @SaqType, @now, @now)
            """,
            new { id, input.MerchantNumber, input.Name, input.Country, input.PciLevel, input.SaqType, now }, transaction, cancellationToken: ct));
        await audit.RecordAsync(Event(scope, "merchant.created", id, $"Created merchant {input.Name} ({input.MerchantNumber})", "merchant", id), connection, transaction, ct);
        await transaction.CommitAsync(ct);
        return await ReadMerchantAsync(id, ct);
    }

    public async Task<Merchant> UpdateMerchantAsync(AccessScope scope, Guid merchantId, MerchantInput input, CancellationToken ct = default)
    {
        RequirePlatformAdmin(scope);
        input.Normalise();
        input.Validate().ThrowIfAny();

        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await EnsureMerchantNumberFreeAsync(connection, transaction, input.MerchantNumber, merchantId, ct);
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE merchants SET merchant_number = @MerchantNumber, name = @Name, country = @Country, pci_level = @PciLevel,
                                 saq_type = @SaqType, updated_at = @now
            WHERE id = @merchantId
            """,
            new { merchantId, input.MerchantNumber, input.Name, input.Country, input.PciLevel, input.SaqType, now = clock.GetUtcNow() },
            transaction, cancellationToken: ct));
        if (changed == 0)
        {
            throw new AccessDeniedException("That merchant does not exist.");
        }

        await audit.RecordAsync(Event(scope, "merchant.updated", merchantId,
            $"Updated merchant {input.Name} ({input.MerchantNumber}): PCI level {input.PciLevel}, SAQ {input.SaqType}", "merchant", merchantId), connection, transaction, ct);
        await transaction.CommitAsync(ct);
        return await ReadMerchantAsync(merchantId, ct);
    }

    /// <summary>Creates a store (<paramref name="storeId"/> null) or updates one.</summary>
    public async Task<Guid> SaveStoreAsync(AccessScope scope, Guid merchantId, Guid? storeId, StoreInput input, CancellationToken ct = default)
    {
        if (!scope.Has(merchantId, MerchantRole.Owner))
        {
            throw new AccessDeniedException("Only platform admins and the merchant's owners may edit its stores.");
        }

        input.Normalise();
        input.Validate().ThrowIfAny();
        var now = clock.GetUtcNow();
        var id = storeId ?? Guid.NewGuid();
        var hours = input.ToOpeningHours();

        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var nameTaken = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM stores WHERE merchant_id = @merchantId AND name = @Name AND id <> @id",
            new { merchantId, input.Name, id }, transaction, cancellationToken: ct));
        if (nameTaken > 0)
        {
            new ValidationErrors().Add(nameof(StoreInput.Name), "This merchant already has a store of that name.").ThrowIfAny();
        }

        var parameters = new
        {
            merchantId, id, input.Name, input.AddressLine, input.City, input.PostalCode, input.Country, input.TimeZone,
            input.Latitude, input.Longitude, hours, now,
        };
        int changed;
        if (storeId is null)
        {
            changed = await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO stores (merchant_id, id, name, address_line, city, postal_code, country, time_zone, latitude, longitude, opening_hours, created_at, updated_at)
                VALUES (@merchantId, @id, @Name, @AddressLine, @City, @PostalCode, @Country, @TimeZone, @Latitude, @Longitude, @hours, @now, @now)
                """, parameters, transaction, cancellationToken: ct));
        }
        else
        {
            changed = await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE stores SET name = @Name, address_line = @AddressLine, city = @City, postal_code = @PostalCode, country = @Country,
                                  time_zone = @TimeZone, latitude = @Latitude, longitude = @Longitude, opening_hours = @hours, updated_at = @now
                WHERE merchant_id = @merchantId AND id = @id
                """, parameters, transaction, cancellationToken: ct));
        }

        if (changed == 0)
        {
            throw new AccessDeniedException("That store does not exist.");
        }

        await audit.RecordAsync(Event(scope, storeId is null ? "store.created" : "store.updated", merchantId,
            $"{(storeId is null ? "Created" : "Updated")} store {input.Name} in {input.City}, {input.Country}", "store", id), connection, transaction, ct);
        await transaction.CommitAsync(ct);
        return id;
    }

    private static void RequirePlatformAdmin(AccessScope scope)
    {
        if (!scope.IsPlatformAdmin)
        {
            throw new AccessDeniedException("Only platform admins may create or edit merchants.");
        }
    }

    private static async Task EnsureMerchantNumberFreeAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction,
        string merchantNumber, Guid? exceptId, CancellationToken ct)
    {
        var taken = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM merchants WHERE merchant_number = @merchantNumber AND id <> @exceptId",
            new { merchantNumber, exceptId = exceptId ?? Guid.Empty }, transaction, cancellationToken: ct));
        if (taken > 0)
        {
            new ValidationErrors().Add(nameof(MerchantInput.MerchantNumber), "Another merchant already has this merchant ID.").ThrowIfAny();
        }
    }

    private async Task<Merchant> ReadMerchantAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleAsync<Merchant>(new CommandDefinition(
            $"SELECT {MerchantDirectory.MerchantColumns} FROM merchants WHERE id = @id", new { id }, cancellationToken: ct));
    }

    private static AuditEvent Event(AccessScope scope, string action, Guid merchantId, string summary, string targetType, Guid targetId) => new()
    {
        Category = "merchants",
        Action = action,
        Summary = summary,
        ActorId = scope.PersonId,
        ActorName = scope.PersonName,
        MerchantId = merchantId,
        TargetType = targetType,
        TargetId = targetId.ToString("D"),
    };
}
