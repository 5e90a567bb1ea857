using AdminPortal.Features.Fraud;
using AdminPortal.Features.Fraud.Scoring;
using AdminPortal.Features.Merchants;

namespace AdminPortal.Tests.Fraud;

/// <summary>Crafted event sequences for one merchant, one Berlin store and its terminals.</summary>
internal sealed class RuleTestKit
{
    public static readonly Guid Merchant = Guid.NewGuid();
    public static readonly Guid Store = Guid.NewGuid();
    public static readonly Guid Device = Guid.NewGuid();

    /// <summary>Tuesday 2026-11-24 10:00 UTC = 11:00 in Berlin, inside store hours.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);

    public static readonly GeoPoint Berlin = new(52.52, 13.388);

    private int _next;

    public RuleTestKit(FraudSettings? settings = null)
    {
        Engine.UseSettings(Merchant, settings ?? FraudSettings.Default);
        var store = new Store
        {
            MerchantId = Merchant,
            Id = Store,
            Name = "Berlin Mitte",
            AddressLine = "Friedrichstraße 101",
            City = "Berlin",
            PostalCode = "10117",
            Country = "DE",
            TimeZone = "Europe/Berlin",
            Latitude = Berlin.Latitude,
            Longitude = Berlin.Longitude,
            OpeningHours = OpeningHours.Weekdays(new TimeOnly(9, 0), new TimeOnly(20, 0)),
        };
        Engine.UseStores(Merchant, new Dictionary<Guid, StoreProfile> { [Store] = new StoreProfile(store) });
    }

    public FraudEngine Engine { get; } = new();

    public TransactionEvent Event(DateTimeOffset at, long amount = 1250, string card = "tok_card_a", TransactionType type = TransactionType.Sale,
        TransactionResult result = TransactionResult.Approved, EntryMode entry = EntryMode.Chip, GeoPoint? location = null, Guid? device = null) => new()
    {
        MerchantId = Merchant,
        EventId = $"e-{++_next}",
        DeviceId = device ?? Device,
        StoreId = Store,
        OccurredAt = at,
        ReceivedAt = at,
        Type = type,
        AmountMinor = amount,
        Currency = "EUR",
        CardToken = card,
        Bin = "411111",
        Last4 = "1111",
        EntryMode = entry,
        Result = result,
        Latitude = location?.Latitude,
        Longitude = location?.Longitude,
    };

    public ScoreResult Score(TransactionEvent e) => Engine.Score(e);

    /// <summary>Scores every event; returns the last result.</summary>
    public ScoreResult ScoreAll(IEnumerable<TransactionEvent> events)
    {
        ScoreResult? last = null;
        foreach (var e in events)
        {
            last = Engine.Score(e);
        }

        return last!;
    }

    public static IReadOnlyList<string> Rules(ScoreResult result) => result.Hits.Select(h => h.RuleId).ToList();

    /// <summary>Settings with only <paramref name="ruleId"/> changed by <paramref name="change"/>.</summary>
    public static FraudSettings With(string ruleId, Func<RuleSetting, RuleSetting> change) => FraudSettings.Default with
    {
        Rules = FraudSettings.Default.Rules.Select(r => r.RuleId == ruleId ? change(r) : r).ToList(),
    };
}
