using AdminPortal.Features.Fraud.Scoring;

namespace AdminPortal.Features.Fraud;

/// <summary>The rules page's form: a mutable copy of a merchant's settings that binds to inputs and turns back into settings.</summary>
public sealed class EditableSettings
{
    public EditableSettings(FraudSettings settings)
    {
        var normalised = settings.Normalised();
        AlertThreshold = normalised.AlertThreshold;
        JoinMinutes = normalised.JoinMinutes;
        Rules = RuleCatalog.All.Select(rule => new EditableRule(rule, normalised.For(rule))).ToList();
    }

    public int AlertThreshold { get; set; }
    public int JoinMinutes { get; set; }
    public List<EditableRule> Rules { get; }

    public FraudSettings ToSettings() => new FraudSettings
    {
        AlertThreshold = AlertThreshold,
        JoinMinutes = JoinMinutes,
        Rules = Rules.Select(r => r.ToSetting()).ToList(),
    }.Normalised();
}

public sealed class EditableRule(FraudRule rule, RuleSetting setting)
{
    public FraudRule Rule { get; } = rule;
    public bool Enabled { get; set; } = setting.Enabled;
    public bool Shadow { get; set; } = setting.Shadow;
    public int Points { get; set; } = setting.Points;
    public Dictionary<string, double> Values { get; } = new(setting.Parameters);

    public RuleSetting ToSetting() => new()
    {
        RuleId = Rule.Id,
        Enabled = Enabled,
        Shadow = Shadow,
        Points = Points,
        Parameters = new Dictionary<string, double>(Values),
    };
}
