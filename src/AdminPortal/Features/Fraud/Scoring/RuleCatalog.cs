using AdminPortal.Features.Fraud.Scoring.Rules;

namespace AdminPortal.Features.Fraud.Scoring;

/// <summary>Every rule the engine runs, in the order the rules page lists them.</summary>
public static class RuleCatalog
{
    public static IReadOnlyList<FraudRule> All { get; } =
    [
        new CardVelocityRule(),
        new DeviceVelocityRule(),
        new AmountAnomalyRule(),
        new CardTestingRule(),
        new KeyedEntryRatioRule(),
        new RefundWithoutSaleRule(),
        new OutsideStoreHoursRule(),
        new FarFromStoreRule(),
        new ImpossibleTravelRule(),
    ];

    public static FraudRule? Find(string id) => All.FirstOrDefault(r => r.Id == id);

    public static string NameOf(string id) => Find(id)?.Name ?? id;
}
