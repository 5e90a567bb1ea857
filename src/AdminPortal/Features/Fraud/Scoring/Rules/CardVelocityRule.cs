namespace AdminPortal.Features.Fraud.Scoring.Rules;

/// <summary>Too many transactions, or too much money, on one card token within a short window.</summary>
public sealed class CardVelocityRule : FraudRule
{
    public override string Id => "card-velocity";
    public override string Name => "Card velocity";
    public override string Description => "Many transactions or a large total on one card within a short window.";
    public override int DefaultPoints => 60;

    public override IReadOnlyList<RuleParameter> Parameters { get; } =
    [
        new("maxCount", "Most transactions per card in the window", 5, 1, 1000),
        new("maxAmount", "Most total per card in the window", 100_000, 1, 100_000_000, "minor units"),
        new("windowMinutes", "Window", 10, 1, 24 * 60, "minutes"),
    ];

    public override string? Evaluate(TransactionEvent e, MerchantRiskState state, RuleValues values)
    {
        ref readonly var card = ref state.FindCard(e.CardToken);
        if (!card.Exists)
        {
            return null;
        }

        var window = TimeSpan.FromMinutes(values[2]);
        var (count, amount) = card.Recent.Sum(e.OccurredAt.UtcTicks, window.Ticks);
        count++;
        amount += e.AmountMinor;
        if (count <= values[0] && amount <= values[1])
        {
            return null;
        }

        return $"Card ending {e.Last4} was used {count} times for {Money.Format(amount, e.Currency)} within {values[2]:0} minutes " +
               $"(limits: {values[0]:0} transactions, {Money.Format((long)values[1], e.Currency)}).";
    }
}
