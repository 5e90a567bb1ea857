using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using Dapper;

namespace AdminPortal.Features.Merchants;

/// <summary>
/// Reads merchants and stores, always within an <see cref="AccessScope"/>. Other slices read merchant data through
/// this API, never its SQL. A merchant outside the scope reads as "not found".
/// </summary>
public sealed class MerchantDirectory(IDbConnectionFactory db, TimeProvider clock)
{
    internal const string MerchantColumns =
        "id AS Id, merchant_number AS MerchantNumber, name AS Name, country AS Country, pci_level AS PciLevel, saq_type AS SaqType, created_at AS CreatedAt, updated_at AS UpdatedAt";

    internal const string StoreColumns =
        "merchant_id AS MerchantId, id AS Id, name AS Name, address_line AS AddressLine, city AS City, postal_code AS PostalCode, country AS Country, time_zone AS TimeZone, latitude AS Latitude, longitude AS Longitude, opening_hours AS OpeningHours, created_at AS CreatedAt, updated_at AS UpdatedAt";

    public async Task<IReadOnlyList<Merchant>> ListMerchantsAsync(AccessScope scope, string? search = null, CancellationToken ct = default)
    {
        var (filter, parameters) = ScopeFilter(scope, "id");
        if (!string.IsNullOrWhiteSpace(search))
        {
            filter += $" AND (name {db.Dialect.ILike} @search OR merchant_number {db.Dialect.ILike} @search)";
            parameters.Add("search", $"%{search.Trim()}%");
        }

        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<Merchant>(new CommandDefinition(
            $"SELECT {MerchantColumns} FROM merchants WHERE {filter} ORDER BY name", parameters, cancellationToken: ct));
        return rows.AsList();
    }

    public async Task<Merchant?> GetMerchantAsync(AccessScope scope, Guid merchantId, CancellationToken ct = default)
    {
        if (!scope.CanSee(merchantId))
        {
            return null;
        }

        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Merchant>(new CommandDefinition(
            $"SELECT {MerchantColumns} FROM merchants WHERE id = @merchantId", new { merchantId }, cancellationToken: ct));
    }

    /// <summary>For system work that has no person (seeding, command line): not for pages or API answers.</summary>
    public async Task<Merchant?> FindMerchantByNumberAsync(string merchantNumber, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Merchant>(new CommandDefinition(
            $"SELECT {MerchantColumns} FROM merchants WHERE merchant_number = @merchantNumber", new { merchantNumber }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<Store>> ListStoresAsync(AccessScope scope, Guid merchantId, CancellationToken ct = default)
    {
        if (!scope.CanSee(merchantId))
        {
            return [];
        }

        return await ListStoresUnscopedAsync(merchantId, ct);
    }

    public async Task<Store?> GetStoreAsync(AccessScope scope, Guid merchantId, Guid storeId, CancellationToken ct = default)
    {
        if (!scope.CanSee(merchantId))
        {
            return null;
        }

        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Store>(new CommandDefinition(
            $"SELECT {StoreColumns} FROM stores WHERE merchant_id = @merchantId AND id = @storeId", new { merchantId, storeId }, cancellationToken: ct));
    }

    /// <summary>
    /// Stores of a merchant for system work that already established the merchant (device API, scoring, seeding):
    /// the caller's own credential bound it to this merchant.
    /// </summary>
    public async Task<IReadOnlyList<Store>> ListStoresUnscopedAsync(Guid merchantId, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<Store>(new CommandDefinition(
            $"SELECT {StoreColumns} FROM stores WHERE merchant_id = @merchantId ORDER BY name", new { merchantId }, cancellationToken: ct));
        return rows.AsList();
    }

    public async Task<EstateSummary> SummariseAsync(AccessScope scope, CancellationToken ct = default)
    {
        var (merchantFilter, parameters) = ScopeFilter(scope, "id");
        var (storeFilter, _) = ScopeFilter(scope, "merchant_id");
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleAsync<(long Merchants, long Stores, long Countries)>(new CommandDefinition(
            $"""
            SELECT (SELECT count(*) FROM merchants WHERE {merchantFilter}) AS Merchants,
                   (SELECT count(*) FROM stores WHERE {storeFilter}) AS Stores,
                   (SELECT count(DISTINCT country) FROM stores WHERE {storeFilter}) AS Countries
            """, parameters, cancellationToken: ct));
        return new EstateSummary((int)row.Merchants, (int)row.Stores, (int)row.Countries);
    }

    /// <summary>
    /// Every merchant, for system work with no person behind it (seeding, command line, the device API, scoring).
    /// Pages and answers to people use the scoped overload, or filter with <see cref="AccessScope.CanSee"/> at once.
    /// </summary>
    public async Task<IReadOnlyList<Merchant>> ListMerchantsAsync(CancellationToken ct = default) =>
        await ListMerchantsAsync(AccessScope.PlatformAdmin(Guid.Empty, "system"), null, ct);

    /// <summary>Stores of a merchant for system work; see <see cref="ListStoresUnscopedAsync"/>.</summary>
    public Task<IReadOnlyList<Store>> ListStoresAsync(Guid merchantId, CancellationToken ct = default) => ListStoresUnscopedAsync(merchantId, ct);

    /// <summary>System write for seeders and tests: creates the merchant unless its merchant number exists; returns it.</summary>
    public async Task<Merchant> EnsureMerchantAsync(string merchantNumber, string name, string country, int pciLevel, string saqType, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO merchants (id, merchant_number, name, country, pci_level, saq_type, created_at, updated_at)
            VALUES (@id, @merchantNumber, @name, @country, @pciLevel, @saqType, @now, @now)
            {SqlDialect.OnConflictDoNothing("merchant_number")}
            """,
            new { id = Guid.NewGuid(), merchantNumber, name, country, pciLevel, saqType, now }, cancellationToken: ct));
        return await connection.QuerySingleAsync<Merchant>(new CommandDefinition(
            $"SELECT {MerchantColumns} FROM merchants WHERE merchant_number = @merchantNumber", new { merchantNumber }, cancellationToken: ct));
    }

    /// <summary>System write for seeders and tests: creates the store unless the merchant has one of that name.</summary>
    public async Task EnsureStoreAsync(Guid merchantId, string name, string addressLine, string city, string postalCode, string country,
        string timeZone, double? latitude, double? longitude, OpeningHours? openingHours, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO stores (merchant_id, id, name, address_line, city, postal_code, country, time_zone, latitude, longitude, opening_hours, created_at, updated_at)
            VALUES (@merchantId, @id, @name, @addressLine, @city, @postalCode, @country, @timeZone, @latitude, @longitude, @openingHours, @now, @now)
            {SqlDialect.OnConflictDoNothing("merchant_id, name")}
            """,
            new { merchantId, id = Guid.NewGuid(), name, addressLine, city, postalCode, country, timeZone, latitude, longitude, openingHours, now },
            cancellationToken: ct));
    }

    private (string Filter, DynamicParameters Parameters) ScopeFilter(AccessScope scope, string column)
    {
        var parameters = new DynamicParameters();
        return (ScopeSql.Filter(scope, db.Dialect, parameters, column), parameters);
    }
}
