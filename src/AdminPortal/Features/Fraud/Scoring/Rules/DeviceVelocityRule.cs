namespace AdminPortal.Features.Fraud.Scoring.Rules;

/// <summary>A terminal suddenly far busier than any till runs: a scripted or compromised device.</summary>
public sealed class DeviceVelocityRule : FraudRule
{
    public override string Id => "device-velocity";
    public override string Name => "Device velocity";
    public override string Description => "Many transactions or a large total on one terminal within a short window.";
    public override int DefaultPoints => 40;

    public override IReadOnlyList<RuleParameter> Parameters { get; } =
    [
        new("maxCount", "Most transactions per terminal in the window", 30, 1, 10_000),
        new("maxAmount", "Most total per terminal in the window", 1_000_000, 1, 1_000_000_000, "minor units"),
        new("windowMinutes", "Window", 5, 1, 24 * 60, "minutes"),
    ];

    public override string? Evaluate(TransactionEvent e, MerchantRiskState state, RuleValues values)
    {
        if (!state.Devices.TryGetValue(e.DeviceId, out var device))
        {
            return null;
        }

        var (count, amount) = device.Recent.Sum(e.OccurredAt.UtcTicks, TimeSpan.FromMinutes(values[2]).Ticks);
        count++;
        amount += e.AmountMinor;
        if (count <= values[0] && amount <= values[1])
        {
            return null;
        }

        return $"The terminal took {count} transactions for {Money.Format(amount, e.Currency)} within {values[2]:0} minutes " +
               $"(limits: {values[0]:0} transactions, {Money.Format((long)values[1], e.Currency)}).";
    }
}
