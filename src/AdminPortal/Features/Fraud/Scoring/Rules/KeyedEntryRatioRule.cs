namespace AdminPortal.Features.Fraud.Scoring.Rules;

/// <summary>
/// Manual key entry and chip fallback bypass the card's chip: a terminal where they become common is being used with
/// stolen card numbers or skimmed magstripes.
/// </summary>
public sealed class KeyedEntryRatioRule : FraudRule
{
    public override string Id => "keyed-entry";
    public override string Name => "Manual entry and fallback";
    public override string Description => "A high share of manually keyed or chip-fallback transactions on one terminal.";
    public override int DefaultPoints => 40;

    public override IReadOnlyList<RuleParameter> Parameters { get; } =
    [
        new("maxManualPercent", "Highest manual-entry share", 30, 1, 100, "%"),
        new("maxFallbackPercent", "Highest fallback share", 20, 1, 100, "%"),
        new("sample", "Recent transactions looked at", 20, 5, DeviceState.EntryModeCapacity),
    ];

    public override string? Evaluate(TransactionEvent e, MerchantRiskState state, RuleValues values)
    {
        if (!e.IsKeyed || !state.Devices.TryGetValue(e.DeviceId, out var device))
        {
            return null;
        }

        var sample = (int)values[2];
        var (seen, manual, fallback) = device.EntryModes(sample - 1);
        seen++;
        if (e.EntryMode == EntryMode.Manual) manual++; else fallback++;

        // Too few transactions say nothing about a ratio.
        if (seen < sample)
        {
            return null;
        }

        var manualShare = 100.0 * manual / seen;
        var fallbackShare = 100.0 * fallback / seen;
        if (manualShare <= values[0] && fallbackShare <= values[1])
        {
            return null;
        }

        return $"{manual} manual and {fallback} fallback entries in the terminal's last {seen} transactions " +
               $"({manualShare:0}% and {fallbackShare:0}%; limits {values[0]:0}% and {values[1]:0}%).";
    }
}
