namespace AdminPortal.Features.Merchants;

public sealed class Merchant
{
    public Guid Id { get; init; }
    public required string MerchantNumber { get; init; }
    public required string Name { get; init; }
    public required string Country { get; init; }
    public int PciLevel { get; init; }
    public required string SaqType { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

public sealed class Store
{
    public Guid MerchantId { get; init; }
    public Guid Id { get; init; }
    public required string Name { get; init; }
    public required string AddressLine { get; init; }
    public required string City { get; init; }
    public required string PostalCode { get; init; }
    public required string Country { get; init; }
    public required string TimeZone { get; init; }
    public double? Latitude { get; init; }
    public double? Longitude { get; init; }
    public OpeningHours? OpeningHours { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>Weekly opening hours in the store's own time zone (a JSON column).</summary>
public sealed record OpeningHours(IReadOnlyList<OpeningPeriod> Periods)
{
    public static OpeningHours Weekdays(TimeOnly opens, TimeOnly closes, bool saturday = true) => new(
        Enum.GetValues<DayOfWeek>()
            .Where(d => d != DayOfWeek.Sunday && (saturday || d != DayOfWeek.Saturday))
            .Select(d => new OpeningPeriod(d, opens, closes))
            .ToList());
}

public sealed record OpeningPeriod(DayOfWeek Day, TimeOnly Opens, TimeOnly Closes);

public sealed record EstateSummary(int Merchants, int Stores, int Countries);
