namespace AdminPortal.Features.Fraud.Scoring;

/// <summary>A tunable number of a rule, with the label and bounds the rules page shows.</summary>
public sealed record RuleParameter(string Key, string Label, double Default, double Min, double Max, string? Unit = null);

/// <summary>A rule hit: what it adds and, in words an analyst reads, why it fired.</summary>
public readonly record struct RuleHit(string RuleId, string Explanation);

/// <summary>
/// One scoring rule. <see cref="Evaluate"/> looks at the merchant's state as it was before the event (the engine records
/// the event afterwards), so a rule sees "what happened before" and never the event itself twice.
/// </summary>
public abstract class FraudRule
{
    public abstract string Id { get; }
    public abstract string Name { get; }
    public abstract string Description { get; }
    public abstract int DefaultPoints { get; }
    public abstract IReadOnlyList<RuleParameter> Parameters { get; }

    /// <summary>Null when the rule does not fire.</summary>
    public abstract string? Evaluate(TransactionEvent e, MerchantRiskState state, RuleValues values);

    public RuleSetting DefaultSetting() => new()
    {
        RuleId = Id,
        Enabled = true,
        Points = DefaultPoints,
        Parameters = Parameters.ToDictionary(p => p.Key, p => p.Default),
    };
}

/// <summary>A rule's parameter values resolved to an array once per settings change, so scoring does no dictionary lookups.</summary>
public sealed class RuleValues(double[] values)
{
    public double this[int index] => values[index];

    public static RuleValues From(FraudRule rule, RuleSetting setting) =>
        new(rule.Parameters.Select(p => setting.Parameters.TryGetValue(p.Key, out var v) ? v : p.Default).ToArray());
}
