using AdminPortal.Infrastructure.CommandLine;

namespace AdminPortal.Features.Merchants;

/// <summary>Demo merchants with stores in three countries; idempotent through the natural keys.</summary>
internal sealed class MerchantsDemoSeeder(MerchantDirectory directory) : IDemoSeeder
{
    public int Order => 0;

    public async Task<string> SeedAsync(CancellationToken cancellationToken)
    {
        var hours = OpeningHours.Weekdays(new TimeOnly(9, 0), new TimeOnly(20, 0));

        var bakery = await directory.EnsureMerchantAsync("DEMO-DE-0001", "Bäckerei Sonnenschein GmbH", "DE", 4, "P2PE", cancellationToken);
        await directory.EnsureStoreAsync(bakery.Id, "Berlin Mitte", "Friedrichstraße 101", "Berlin", "10117", "DE", "Europe/Berlin", 52.5200, 13.3880, hours, cancellationToken);
        await directory.EnsureStoreAsync(bakery.Id, "Hamburg Altona", "Ottenser Hauptstraße 12", "Hamburg", "22765", "DE", "Europe/Berlin", 53.5530, 9.9290, hours, cancellationToken);

        var coffee = await directory.EnsureMerchantAsync("DEMO-GB-0001", "Thames Coffee Ltd", "GB", 3, "SPoC", cancellationToken);
        await directory.EnsureStoreAsync(coffee.Id, "London Bridge", "1 Tooley Street", "London", "SE1 2PF", "GB", "Europe/London", 51.5055, -0.0865, hours, cancellationToken);
        await directory.EnsureStoreAsync(coffee.Id, "Manchester Piccadilly", "14 Piccadilly", "Manchester", "M1 1LU", "GB", "Europe/London", 53.4808, -2.2373, hours, cancellationToken);

        var market = await directory.EnsureMerchantAsync("DEMO-US-0001", "Harbor Street Markets Inc.", "US", 2, "C", cancellationToken);
        await directory.EnsureStoreAsync(market.Id, "Seattle Pike Place", "85 Pike Street", "Seattle", "98101", "US", "America/Los_Angeles", 47.6097, -122.3422, hours, cancellationToken);
        await directory.EnsureStoreAsync(market.Id, "Boston Seaport", "200 Seaport Blvd", "Boston", "02210", "US", "America/New_York", 42.3519, -71.0446, hours, cancellationToken);

        return "Demo merchants: 3 merchants with stores in DE, GB and US are present.";
    }
}
