namespace AdminPortal.Features.Fraud.Scoring.Rules;

/// <summary>A sale far above what this merchant usually takes (its own approved sales, per currency).</summary>
public sealed class AmountAnomalyRule : FraudRule
{
    public override string Id => "amount-anomaly";
    public override string Name => "Unusual amount";
    public override string Description => "A sale far above this merchant's usual amounts.";
    public override int DefaultPoints => 50;

    public override IReadOnlyList<RuleParameter> Parameters { get; } =
    [
        new("multiple", "Times the average sale", 5, 1.5, 1000),
        new("deviations", "Standard deviations above the average", 4, 1, 50),
        new("minHistory", "Sales of history needed first", 30, 5, 100_000),
    ];

    public override string? Evaluate(TransactionEvent e, MerchantRiskState state, RuleValues values)
    {
        if (e.Type != TransactionType.Sale || !state.Amounts.TryGetValue(e.Currency, out var stats) || stats.Count < values[2])
        {
            return null;
        }

        var multiple = e.AmountMinor / Math.Max(1, stats.Mean);
        var deviations = stats.StandardDeviation > 0 ? (e.AmountMinor - stats.Mean) / stats.StandardDeviation : double.PositiveInfinity;
        if (multiple < values[0] || deviations < values[1])
        {
            return null;
        }

        return $"{Money.Format(e.AmountMinor, e.Currency)} is {multiple:0.#}× this merchant's average sale of " +
               $"{Money.Format((long)stats.Mean, e.Currency)} over {stats.Count} sales (limit {values[0]:0.#}×).";
    }
}
