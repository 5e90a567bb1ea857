using System.Collections.Concurrent;
using AdminPortal.Features.Merchants;

namespace AdminPortal.Features.Fraud.Scoring;

/// <summary>
/// Store time zones, hours and locations for the rules, read through <see cref="MerchantDirectory"/> once per merchant
/// and refreshed every few minutes, never per event.
/// </summary>
public sealed class StoreProfileCache(MerchantDirectory directory, TimeProvider clock)
{
    private static readonly TimeSpan RefreshAfter = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<Guid, (DateTimeOffset LoadedAt, IReadOnlyDictionary<Guid, StoreProfile> Stores)> _cache = new();

    /// <summary>Makes sure the engine has fresh store profiles for these merchants.</summary>
    public async Task LoadIntoEngineAsync(FraudEngine engine, IEnumerable<Guid> merchantIds, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        foreach (var merchantId in merchantIds.Distinct())
        {
            if (!_cache.TryGetValue(merchantId, out var entry) || now - entry.LoadedAt > RefreshAfter)
            {
                var stores = await directory.ListStoresAsync(merchantId, ct);
                entry = (now, stores.ToDictionary(s => s.Id, s => new StoreProfile(s)));
                _cache[merchantId] = entry;
                engine.UseStores(merchantId, entry.Stores);
            }
            else if (!ReferenceEquals(engine.StateOf(merchantId).Stores, entry.Stores))
            {
                engine.UseStores(merchantId, entry.Stores);
            }
        }
    }
}
