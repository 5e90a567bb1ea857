namespace AdminPortal.Features.Fraud.Scoring.Rules;

/// <summary>
/// Card testing: a burst of small declined attempts on one terminal, usually with many different cards, as fraudsters
/// check which stolen numbers still work.
/// </summary>
public sealed class CardTestingRule : FraudRule
{
    public override string Id => "card-testing";
    public override string Name => "Card testing";
    public override string Description => "A burst of small declined amounts on one terminal.";
    public override int DefaultPoints => 80;

    public override IReadOnlyList<RuleParameter> Parameters { get; } =
    [
        new("smallAmount", "Small amount up to", 200, 1, 100_000, "minor units"),
        new("minDeclines", "Small declines in the burst", 5, 2, 1000),
        new("windowMinutes", "Window", 10, 1, 24 * 60, "minutes"),
    ];

    public override string? Evaluate(TransactionEvent e, MerchantRiskState state, RuleValues values)
    {
        var small = (long)values[0];
        if (e.Result != TransactionResult.Declined || e.AmountMinor > small || !state.Devices.TryGetValue(e.DeviceId, out var device))
        {
            return null;
        }

        var recent = device.Declines.Within(e.OccurredAt.UtcTicks, TimeSpan.FromMinutes(values[2]).Ticks);
        var count = 1;
        foreach (var entry in recent)
        {
            if (entry.Amount <= small)
            {
                count++;
            }
        }

        if (count < values[1])
        {
            return null;
        }

        // Only for a hit: how many different cards the burst used.
        var cards = new HashSet<int> { e.CardToken.GetHashCode(StringComparison.Ordinal) };
        foreach (var entry in recent)
        {
            if (entry.Amount <= small)
            {
                cards.Add(entry.Tag);
            }
        }

        return $"{count} declined attempts of at most {Money.Format(small, e.Currency)} on this terminal within {values[2]:0} minutes, " +
               $"with {cards.Count} different cards (limit {values[1]:0}).";
    }
}
