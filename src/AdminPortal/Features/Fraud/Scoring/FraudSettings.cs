namespace AdminPortal.Features.Fraud.Scoring;

/// <summary>How one rule is tuned for one merchant.</summary>
public sealed record RuleSetting
{
    public required string RuleId { get; init; }
    public bool Enabled { get; init; } = true;

    /// <summary>Shadow mode: hits are recorded (and whether they would have alerted) but add nothing to the score.</summary>
    public bool Shadow { get; init; }

    /// <summary>What a hit adds to the event's score.</summary>
    public int Points { get; init; }

    public IReadOnlyDictionary<string, double> Parameters { get; init; } = new Dictionary<string, double>();
}

/// <summary>A merchant's fraud settings (one JSON row per merchant; missing rules take their defaults).</summary>
public sealed record FraudSettings
{
    public const int DefaultAlertThreshold = 60;
    public const int DefaultJoinMinutes = 60;

    /// <summary>An event scoring at least this opens an alert.</summary>
    public int AlertThreshold { get; init; } = DefaultAlertThreshold;

    /// <summary>Hits on the same device or card within this many minutes of an open alert's last event join it.</summary>
    public int JoinMinutes { get; init; } = DefaultJoinMinutes;

    public IReadOnlyList<RuleSetting> Rules { get; init; } = [];

    public static FraudSettings Default { get; } = new() { Rules = RuleCatalog.All.Select(r => r.DefaultSetting()).ToList() };

    /// <summary>The setting for <paramref name="rule"/>, its default where none is stored, parameters filled in and clamped.</summary>
    public RuleSetting For(FraudRule rule)
    {
        var stored = Rules.FirstOrDefault(r => r.RuleId == rule.Id);
        if (stored is null)
        {
            return rule.DefaultSetting();
        }

        var parameters = rule.Parameters.ToDictionary(
            p => p.Key,
            p => stored.Parameters.TryGetValue(p.Key, out var value) ? Math.Clamp(value, p.Min, p.Max) : p.Default);
        return stored with { Parameters = parameters, Points = Math.Clamp(stored.Points, 0, 200) };
    }

    /// <summary>Every rule of the catalogue with its effective setting, in catalogue order.</summary>
    public FraudSettings Normalised() => this with
    {
        AlertThreshold = Math.Clamp(AlertThreshold, 1, 1000),
        JoinMinutes = Math.Clamp(JoinMinutes, 1, 24 * 60),
        Rules = RuleCatalog.All.Select(For).ToList(),
    };
}
