using AdminPortal.Infrastructure.Database;
using Dapper;

namespace AdminPortal.Features.Merchants;

/// <summary>Reads and writes merchants and stores. Other slices read merchant data through this API, never its SQL.</summary>
public sealed class MerchantDirectory(IDbConnectionFactory db, TimeProvider clock)
{
    private const string MerchantColumns =
        "id AS Id, merchant_number AS MerchantNumber, name AS Name, country AS Country, pci_level AS PciLevel, saq_type AS SaqType, created_at AS CreatedAt, updated_at AS UpdatedAt";

    private const string StoreColumns =
        "merchant_id AS MerchantId, id AS Id, name AS Name, address_line AS AddressLine, city AS City, postal_code AS PostalCode, country AS Country, time_zone AS TimeZone, latitude AS Latitude, longitude AS Longitude, opening_hours AS OpeningHours, created_at AS CreatedAt, updated_at AS UpdatedAt";

    public async Task<IReadOnlyList<Merchant>> ListMerchantsAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<Merchant>(new CommandDefinition(
            $"SELECT {MerchantColumns} FROM merchants ORDER BY name", cancellationToken: ct));
        return rows.AsList();
    }

    public async Task<Merchant?> FindMerchantByNumberAsync(string merchantNumber, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Merchant>(new CommandDefinition(
            $"SELECT {MerchantColumns} FROM merchants WHERE merchant_number = @merchantNumber", new { merchantNumber }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<Store>> ListStoresAsync(Guid merchantId, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<Store>(new CommandDefinition(
            $"SELECT {StoreColumns} FROM stores WHERE merchant_id = @merchantId ORDER BY name", new { merchantId }, cancellationToken: ct));
        return rows.AsList();
    }

    public async Task<EstateSummary> SummariseAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleAsync<(long Merchants, long Stores, long Countries)>(new CommandDefinition(
            """
            SELECT (SELECT count(*) FROM merchants) AS Merchants,
                   (SELECT count(*) FROM stores) AS Stores,
                   (SELECT count(DISTINCT country) FROM stores) AS Countries
            """, cancellationToken: ct));
        return new EstateSummary((int)row.Merchants, (int)row.Stores, (int)row.Countries);
    }

    /// <summary>Creates the merchant unless one with the same merchant number exists; returns the stored one.</summary>
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
        return (await connection.QuerySingleAsync<Merchant>(new CommandDefinition(
            $"SELECT {MerchantColumns} FROM merchants WHERE merchant_number = @merchantNumber", new { merchantNumber }, cancellationToken: ct)));
    }

    /// <summary>Creates the store unless the merchant already has one of that name.</summary>
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
}
