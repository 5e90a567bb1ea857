namespace AdminPortal.Features.Fraud.Scoring.Rules;

/// <summary>A transaction while the store is closed (its own time zone and opening hours).</summary>
public sealed class OutsideStoreHoursRule : FraudRule
{
    public override string Id => "outside-hours";
    public override string Name => "Outside store hours";
    public override string Description => "A transaction while the store is closed, in the store's own time zone.";
    public override int DefaultPoints => 30;

    public override IReadOnlyList<RuleParameter> Parameters { get; } =
    [
        new("graceMinutes", "Grace before opening and after closing", 30, 0, 240, "minutes"),
    ];

    public override string? Evaluate(TransactionEvent e, MerchantRiskState state, RuleValues values)
    {
        if (e.StoreId is not { } storeId || !state.Stores.TryGetValue(storeId, out var store) ||
            store.IsOpenAt(e.OccurredAt, TimeSpan.FromMinutes(values[0]), out var local))
        {
            return null;
        }

        return $"{store.Name} was closed: the transaction happened at {local:ddd HH:mm} local time ({store.TimeZone?.Id}).";
    }
}
