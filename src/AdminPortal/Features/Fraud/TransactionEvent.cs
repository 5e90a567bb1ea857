namespace AdminPortal.Features.Fraud;

public enum TransactionType
{
    Sale = 0,
    Refund = 1,
    Void = 2,
}

public enum EntryMode
{
    Chip = 0,
    Contactless = 1,
    Swipe = 2,
    Manual = 3,
    Fallback = 4,
}

public enum TransactionResult
{
    Approved = 0,
    Declined = 1,
}

public readonly record struct GeoPoint(double Latitude, double Longitude)
{
    private const double EarthRadiusKm = 6371.0088;

    /// <summary>Great-circle distance (haversine): accurate to well under 1% at the distances the rules care about.</summary>
    public double DistanceKmTo(GeoPoint other)
    {
        var dLat = ToRadians(other.Latitude - Latitude);
        var dLon = ToRadians(other.Longitude - Longitude);
        var a = Math.Sin(dLat / 2) * Math.Sin(dLat / 2) +
                Math.Cos(ToRadians(Latitude)) * Math.Cos(ToRadians(other.Latitude)) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2);
        return 2 * EarthRadiusKm * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }

    private static double ToRadians(double degrees) => degrees * Math.PI / 180;
}

/// <summary>
/// One card transaction reported by a terminal. Card data is a token, the BIN and the last four digits only: the portal
/// never holds a primary account number.
/// </summary>
public sealed class TransactionEvent
{
    public Guid MerchantId { get; init; }
    public required string EventId { get; init; }
    public Guid DeviceId { get; init; }
    public Guid? StoreId { get; init; }
    public DateTimeOffset OccurredAt { get; init; }
    public DateTimeOffset ReceivedAt { get; init; }
    public TransactionType Type { get; init; }
    public long AmountMinor { get; init; }
    public required string Currency { get; init; }
    public required string CardToken { get; init; }
    public required string Bin { get; init; }
    public required string Last4 { get; init; }
    public EntryMode EntryMode { get; init; }
    public TransactionResult Result { get; init; }
    public string? ResponseCode { get; init; }
    public double? Latitude { get; init; }
    public double? Longitude { get; init; }

    public GeoPoint? Location => Latitude is { } lat && Longitude is { } lon ? new GeoPoint(lat, lon) : null;

    public bool IsKeyed => EntryMode is EntryMode.Manual or EntryMode.Fallback;
}
