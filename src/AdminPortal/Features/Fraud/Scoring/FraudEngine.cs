using System.Collections.Concurrent;

namespace AdminPortal.Features.Fraud.Scoring;

/// <summary>One rule's hit on one event, as stored and shown.</summary>
public sealed record ScoredHit(string RuleId, int Points, bool Shadow, string Explanation);

/// <summary>
/// The outcome of scoring one event. <see cref="Score"/> counts live rules only; <see cref="WouldAlert"/> says that the
/// shadow rules would have lifted it over the threshold.
/// </summary>
public sealed record ScoreResult(TransactionEvent Event, int Score, int Threshold, IReadOnlyList<ScoredHit> Hits)
{
    public static readonly IReadOnlyList<ScoredHit> NoHits = [];

    public bool Alerts => Score >= Threshold;

    public bool WouldAlert => !Alerts && Score + ShadowPoints() >= Threshold;

    private int ShadowPoints()
    {
        var points = 0;
        for (var i = 0; i < Hits.Count; i++)
        {
            points += Hits[i].Shadow ? Hits[i].Points : 0;
        }

        return points;
    }
}

/// <summary>
/// Scores events against per-merchant in-memory state: no database read per event. Not thread-safe by design: one
/// writer (the ingestion loop, or a backtest on its own instance) drives it; settings may be swapped from elsewhere.
/// </summary>
public sealed class FraudEngine
{
    private readonly Dictionary<Guid, MerchantRiskState> _states = new();
    private readonly ConcurrentDictionary<Guid, CompiledSettings> _settings = new();

    public MerchantRiskState StateOf(Guid merchantId) =>
        _states.TryGetValue(merchantId, out var state) ? state : _states[merchantId] = new MerchantRiskState(merchantId);

    public bool HasSettings(Guid merchantId) => _settings.ContainsKey(merchantId);

    public FraudSettings SettingsOf(Guid merchantId) => Compiled(merchantId).Settings;

    public void UseSettings(Guid merchantId, FraudSettings settings) => _settings[merchantId] = new CompiledSettings(settings.Normalised());

    public void UseStores(Guid merchantId, IReadOnlyDictionary<Guid, StoreProfile> stores) => StateOf(merchantId).Stores = stores;

    /// <summary>Evaluates every enabled rule, then records the event into the state.</summary>
    public ScoreResult Score(TransactionEvent e)
    {
        var state = StateOf(e.MerchantId);
        var compiled = Compiled(e.MerchantId);
        List<ScoredHit>? hits = null;
        var score = 0;
        foreach (var rule in compiled.Rules)
        {
            var explanation = rule.Rule.Evaluate(e, state, rule.Values);
            if (explanation is null)
            {
                continue;
            }

            (hits ??= new List<ScoredHit>(2)).Add(new ScoredHit(rule.Rule.Id, rule.Setting.Points, rule.Setting.Shadow, explanation));
            if (!rule.Setting.Shadow)
            {
                score += rule.Setting.Points;
            }
        }

        state.Record(e);
        return new ScoreResult(e, score, compiled.Settings.AlertThreshold, hits ?? ScoreResult.NoHits);
    }

    /// <summary>Records a stored event without scoring it (rebuilding state after a restart).</summary>
    public void Replay(TransactionEvent e) => StateOf(e.MerchantId).Record(e);

    public void Reset() => _states.Clear();

    private CompiledSettings Compiled(Guid merchantId) =>
        _settings.TryGetValue(merchantId, out var compiled) ? compiled : _settings.GetOrAdd(merchantId, _ => new CompiledSettings(FraudSettings.Default));

    private sealed class CompiledSettings
    {
        public CompiledSettings(FraudSettings settings)
        {
            Settings = settings;
            Rules = RuleCatalog.All
                .Select(rule => (Rule: rule, Setting: settings.For(rule)))
                .Where(r => r.Setting.Enabled)
                .Select(r => new CompiledRule(r.Rule, r.Setting, RuleValues.From(r.Rule, r.Setting)))
                .ToArray();
        }

        public FraudSettings Settings { get; }
        public CompiledRule[] Rules { get; }
    }

    private sealed record CompiledRule(FraudRule Rule, RuleSetting Setting, RuleValues Values);
}
