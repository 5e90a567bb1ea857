namespace AdminPortal.Features.Fraud.Scoring.Rules;

/// <summary>A terminal reporting a location far from its store: stolen, or moved without telling anyone.</summary>
public sealed class FarFromStoreRule : FraudRule
{
    public override string Id => "far-from-store";
    public override string Name => "Device far from its store";
    public override string Description => "The terminal reports a location far from its store.";
    public override int DefaultPoints => 50;

    public override IReadOnlyList<RuleParameter> Parameters { get; } =
    [
        new("maxKm", "Farthest distance from the store", 50, 1, 20_000, "km"),
    ];

    public override string? Evaluate(TransactionEvent e, MerchantRiskState state, RuleValues values)
    {
        if (e.Location is not { } location || e.StoreId is not { } storeId ||
            !state.Stores.TryGetValue(storeId, out var store) || store.Location is not { } storeLocation)
        {
            return null;
        }

        var km = location.DistanceKmTo(storeLocation);
        return km <= values[0] ? null : $"The terminal was {km:0} km from {store.Name} (limit {values[0]:0} km).";
    }
}
