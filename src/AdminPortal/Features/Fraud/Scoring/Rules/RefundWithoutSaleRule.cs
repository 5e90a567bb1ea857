namespace AdminPortal.Features.Fraud.Scoring.Rules;

/// <summary>A refund to a card that bought nothing here (for at least that amount): a classic cash-out by insiders.</summary>
public sealed class RefundWithoutSaleRule : FraudRule
{
    public override string Id => "refund-without-sale";
    public override string Name => "Refund without a sale";
    public override string Description => "A refund to a card with no matching approved sale at this merchant.";
    public override int DefaultPoints => 60;

    public override IReadOnlyList<RuleParameter> Parameters { get; } =
    [
        new("lookbackDays", "Look for the sale in the last", 30, 1, 30, "days"),
    ];

    public override string? Evaluate(TransactionEvent e, MerchantRiskState state, RuleValues values)
    {
        if (e.Type != TransactionType.Refund || e.Result != TransactionResult.Approved)
        {
            return null;
        }

        ref readonly var card = ref state.FindCard(e.CardToken);
        if (card.Exists)
        {
            foreach (var sale in card.Sales.Within(e.OccurredAt.UtcTicks, TimeSpan.FromDays(values[0]).Ticks))
            {
                if (sale.Amount >= e.AmountMinor)
                {
                    return null;
                }
            }
        }

        return $"Refund of {Money.Format(e.AmountMinor, e.Currency)} to card ending {e.Last4}, which made no approved sale of at least " +
               $"that amount here in the last {values[0]:0} days.";
    }
}
