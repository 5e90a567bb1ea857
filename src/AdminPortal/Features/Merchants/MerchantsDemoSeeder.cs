using AdminPortal.Infrastructure.CommandLine;
using AdminPortal.Infrastructure.Database;
using Dapper;

namespace AdminPortal.Features.Merchants;

/// <summary>Demo merchants with stores in three countries; idempotent through the natural keys.</summary>
internal sealed class MerchantsDemoSeeder(IDbConnectionFactory db, TimeProvider clock) : IDemoSeeder
{
    public int Order => 0;

    public async Task<string> SeedAsync(CancellationToken cancellationToken)
    {
        var hours = OpeningHours.Weekdays(new TimeOnly(9, 0), new TimeOnly(20, 0));

        var bakery = await EnsureMerchantAsync("DEMO-DE-0001", "Bäckerei Sonnenschein GmbH", "DE", 4, "P2PE", cancellationToken);
        await EnsureStoreAsync(bakery, "Berlin Mitte", "Friedrichstraße 101", "Berlin", "10117", "DE", "Europe/Berlin", 52.5200, 13.3880, hours, cancellationToken);
        await EnsureStoreAsync(bakery, "Hamburg Altona", "Ottenser Hauptstraße 12", "Hamburg", "22765", "DE", "Europe/Berlin", 53.5530, 9.9290, hours, cancellationToken);

        var coffee = await EnsureMerchantAsync("DEMO-GB-0001", "Thames Coffee Ltd", "GB", 3, "SPoC", cancellationToken);
        await EnsureStoreAsync(coffee, "London Bridge", "1 Tooley Street", "London", "SE1 2PF", "GB", "Europe/London", 51.5055, -0.0865, hours, cancellationToken);
        await EnsureStoreAsync(coffee, "Manchester Piccadilly", "14 Piccadilly", "Manchester", "M1 1LU", "GB", "Europe/London", 53.4808, -2.2373, hours, cancellationToken);

        var market = await EnsureMerchantAsync("DEMO-US-0001", "Harbor Street Markets Inc.", "US", 2, "C", cancellationToken);
        await EnsureStoreAsync(market, "Seattle Pike Place", "85 Pike Street", "Seattle", "98101", "US", "America/Los_Angeles", 47.6097, -122.3422, hours, cancellationToken);
        await EnsureStoreAsync(market, "Boston Seaport", "200 Seaport Blvd", "Boston", "02210", "US", "America/New_York", 42.3519, -71.0446, hours, cancellationToken);

        return "Demo merchants: 3 merchants with stores in DE, GB and US are present.";
    }

    private async Task<Guid> EnsureMerchantAsync(string merchantNumber, string name, string country, int pciLevel, string saqType, CancellationToken ct)
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
        return await connection.QuerySingleAsync<Guid>(new CommandDefinition(
            "SELECT id FROM merchants WHERE merchant_number = @merchantNumber", new { merchantNumber }, cancellationToken: ct));
    }

    private async Task EnsureStoreAsync(Guid merchantId, string name, string addressLine, string city, string postalCode, string country,
        string timeZone, double latitude, double longitude, OpeningHours openingHours, CancellationToken ct)
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
