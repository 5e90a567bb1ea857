using AdminPortal.Features.Merchants;
using AdminPortal.Infrastructure.CommandLine;

namespace AdminPortal.Features.Fraud.Ingestion;

/// <summary>
/// Two days of ordinary card traffic for every demo store with a few fraud patterns mixed in (card testing, a card
/// used too often, a refund without a sale, a night-time sale, one card in two cities at once), scored by the real
/// engine so the review queue is not empty after <c>seed-demo</c>. Event ids are fixed per store and slot, so a second
/// run only reports duplicates. Until the Devices area lands, each store gets one made-up terminal id.
/// </summary>
internal sealed class FraudDemoSeeder(MerchantDirectory directory, TransactionIngestor ingestor, TimeProvider clock) : IDemoSeeder
{
    public int Order => 40;

    public async Task<string> SeedAsync(CancellationToken cancellationToken)
    {
        var today = clock.GetUtcNow().UtcDateTime.Date;
        var accepted = 0;
        foreach (var merchant in await directory.ListMerchantsAsync(cancellationToken))
        {
            var stores = await directory.ListStoresAsync(merchant.Id, cancellationToken);
            var events = new List<TransactionEvent>();
            for (var s = 0; s < stores.Count; s++)
            {
                events.AddRange(Ordinary(merchant, stores[s], today));
            }

            if (stores.Count > 0)
            {
                events.AddRange(Patterns(merchant, stores, today));
            }

            // Stored and scored in time order, as terminals would have sent them.
            foreach (var chunk in events.OrderBy(e => e.OccurredAt).Chunk(500))
            {
                accepted += (await ingestor.IngestDirectAsync(chunk)).Accepted;
            }
        }

        return $"Demo fraud traffic: {accepted} new transaction events scored.";
    }

    private static IEnumerable<TransactionEvent> Ordinary(Merchant merchant, Store store, DateTime today)
    {
        var random = new Random(store.Id.GetHashCode());
        var zone = TimeZoneInfo.FindSystemTimeZoneById(store.TimeZone);
        for (var day = 2; day >= 1; day--)
        {
            var date = today.AddDays(-day);
            if (date.DayOfWeek == DayOfWeek.Sunday)
            {
                continue;
            }

            for (var i = 0; i < 60; i++)
            {
                var local = date.AddHours(9.5 + random.NextDouble() * 10);
                var at = new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), zone));
                var entry = random.Next(10) switch { < 6 => EntryMode.Contactless, < 9 => EntryMode.Chip, _ => EntryMode.Swipe };
                yield return Make(merchant, store, $"{Slug(store)}-d{day}-{i:000}", at, 300 + random.Next(4500), $"tok_{Slug(store)}_{random.Next(400):000}",
                    entry, random.Next(25) == 0 ? TransactionResult.Declined : TransactionResult.Approved);
            }
        }
    }

    private static IEnumerable<TransactionEvent> Patterns(Merchant merchant, IReadOnlyList<Store> stores, DateTime today)
    {
        var store = stores[0];
        var noon = new DateTimeOffset(today.AddDays(-1).AddHours(11), TimeSpan.Zero);
        var prefix = $"{Slug(store)}-fraud";

        // Card testing: small declines with many cards on one terminal.
        for (var i = 0; i < 7; i++)
        {
            yield return Make(merchant, store, $"{prefix}-test-{i}", noon.AddSeconds(15 * i), 100, $"tok_tested_{merchant.MerchantNumber}_{i}",
                EntryMode.Manual, TransactionResult.Declined);
        }

        // One card used again and again.
        for (var i = 0; i < 7; i++)
        {
            yield return Make(merchant, store, $"{prefix}-velo-{i}", noon.AddHours(2).AddMinutes(i), 8900, $"tok_busy_{merchant.MerchantNumber}",
                EntryMode.Contactless, TransactionResult.Approved);
        }

        // A refund to a card that bought nothing here.
        yield return Make(merchant, store, $"{prefix}-refund", noon.AddHours(3), 24_900, $"tok_refund_{merchant.MerchantNumber}",
            EntryMode.Manual, TransactionResult.Approved, TransactionType.Refund);

        if (stores.Count > 1 && stores[1].Latitude is { } lat && stores[1].Longitude is { } lon && store.Latitude is { } homeLat && store.Longitude is { } homeLon)
        {
            // The same card in both stores ten minutes apart.
            var card = $"tok_clone_{merchant.MerchantNumber}";
            yield return Make(merchant, store, $"{prefix}-travel-a", noon.AddHours(4), 4200, card, EntryMode.Swipe, TransactionResult.Approved,
                location: (homeLat, homeLon));
            yield return Make(merchant, stores[1], $"{prefix}-travel-b", noon.AddHours(4).AddMinutes(10), 5900, card, EntryMode.Swipe, TransactionResult.Approved,
                location: (lat, lon));
        }
    }

    private static TransactionEvent Make(Merchant merchant, Store store, string eventId, DateTimeOffset at, long amount, string card, EntryMode entry,
        TransactionResult result, TransactionType type = TransactionType.Sale, (double Lat, double Lon)? location = null) => new()
    {
        MerchantId = merchant.Id,
        EventId = eventId,
        DeviceId = DemoTerminal(store),
        StoreId = store.Id,
        OccurredAt = at,
        ReceivedAt = at,
        Type = type,
        AmountMinor = amount,
        Currency = store.Country switch { "GB" => "GBP", "US" => "USD", _ => "EUR" },
        CardToken = card,
        Bin = "535522",
        Last4 = (card.Aggregate(7, (h, c) => (h * 31 + c) % 10_000)).ToString("0000", System.Globalization.CultureInfo.InvariantCulture),
        EntryMode = entry,
        Result = result,
        ResponseCode = result == TransactionResult.Approved ? "00" : "05",
        Latitude = location?.Lat,
        Longitude = location?.Lon,
    };

    // Stable per store, so reruns and restarts agree on the terminal.
    private static Guid DemoTerminal(Store store)
    {
        var bytes = store.Id.ToByteArray();
        bytes[0] ^= 0x5A;
        return new Guid(bytes);
    }

    private static string Slug(Store store) => store.Id.ToString("N")[..8];
}
