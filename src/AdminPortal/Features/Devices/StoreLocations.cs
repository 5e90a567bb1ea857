using System.Collections.Concurrent;
using AdminPortal.Features.Merchants;

namespace AdminPortal.Features.Devices;

/// <summary>
/// Store coordinates for the "far from its store" check, read through the Merchants API and kept for a few minutes:
/// check-ins are frequent and stores rarely move.
/// </summary>
public sealed class StoreLocations(MerchantDirectory merchants, TimeProvider clock)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<Guid, (DateTimeOffset Loaded, IReadOnlyDictionary<Guid, Store> Stores)> _byMerchant = new();

    public async Task<Store?> FindAsync(Guid merchantId, Guid storeId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (!_byMerchant.TryGetValue(merchantId, out var entry) || now - entry.Loaded > Lifetime || !entry.Stores.ContainsKey(storeId))
        {
            var stores = await merchants.ListStoresAsync(merchantId, ct);
            entry = (now, stores.ToDictionary(s => s.Id));
            _byMerchant[merchantId] = entry;
        }

        return entry.Stores.GetValueOrDefault(storeId);
    }

    /// <summary>Great-circle distance in metres (haversine; accurate enough for "metres to kilometres away").</summary>
    public static double DistanceMeters(double lat1, double lon1, double lat2, double lon2)
    {
        const double earthRadius = 6_371_000;
        static double Rad(double deg) => deg * Math.PI / 180;
        var dLat = Rad(lat2 - lat1);
        var dLon = Rad(lon2 - lon1);
        var a = Math.Pow(Math.Sin(dLat / 2), 2) + Math.Cos(Rad(lat1)) * Math.Cos(Rad(lat2)) * Math.Pow(Math.Sin(dLon / 2), 2);
        return 2 * earthRadius * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }
}
