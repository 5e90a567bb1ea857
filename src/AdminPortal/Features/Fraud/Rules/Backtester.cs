using AdminPortal.Features.Fraud.Ingestion;
using AdminPortal.Features.Fraud.Scoring;

namespace AdminPortal.Features.Fraud;

/// <summary>What one set of settings would have done over the period.</summary>
public sealed record BacktestOutcome(int AlertsOpened, int EventsAlerting, IReadOnlyDictionary<string, int> HitsByRule, IReadOnlyDictionary<string, int> AlertsByRule);

public sealed record BacktestResult(int Days, long Events, BacktestOutcome Current, BacktestOutcome Proposed);

/// <summary>
/// Replays a merchant's stored events that occurred in the last N days through two fresh engines, one with the settings
/// in force and one with the proposed settings, and counts the alerts each would have opened. Nothing is written. Memory
/// starts empty at the start of the period, so the first minutes of it see less history than the live engine did.
/// Events go in arrival order (<see cref="FraudEventStore.StreamAsync"/>), as the live engine scored them: an offline
/// terminal's late upload is scored after the events stored before it, with what the engine knew by then.
/// </summary>
internal sealed class Backtester(FraudEventStore events, StoreProfileCache stores, TimeProvider clock)
{
    public const int MaxDays = 30;

    public async Task<BacktestResult> RunAsync(Guid merchantId, FraudSettings current, FraudSettings proposed, int days,
        IProgress<double>? progress, CancellationToken ct)
    {
        days = Math.Clamp(days, 1, MaxDays);
        var until = clock.GetUtcNow();
        var since = until - TimeSpan.FromDays(days);
        // What was stored when the backtest started: events arriving meanwhile are left out of the count and the replay.
        var total = await events.CountAsync(merchantId, since, until, ct);
        var runs = new[] { new Run(merchantId, current), new Run(merchantId, proposed) };
        foreach (var run in runs)
        {
            await stores.LoadIntoEngineAsync(run.Engine, [merchantId], ct);
        }

        long done = 0;
        await foreach (var e in events.StreamAsync(merchantId, since, until, ct))
        {
            foreach (var run in runs)
            {
                run.Score(e);
            }

            // Report about a hundred times, not per event: each report re-renders the page.
            if (++done % Math.Max(1, total / 100) == 0)
            {
                progress?.Report(Math.Min(1, (double)done / Math.Max(1, total)));
            }
        }

        progress?.Report(1);
        return new BacktestResult(days, done, runs[0].Outcome(), runs[1].Outcome());
    }

    private sealed class Run
    {
        private readonly FraudSettings _settings;
        private readonly AlertRouter _router = new();
        private readonly Dictionary<string, int> _hits = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _alertsByRule = new(StringComparer.Ordinal);
        private int _opened;
        private int _alerting;

        public Run(Guid merchantId, FraudSettings settings)
        {
            _settings = settings.Normalised();
            Engine.UseSettings(merchantId, _settings);
        }

        public FraudEngine Engine { get; } = new();

        public void Score(TransactionEvent e)
        {
            var result = Engine.Score(e);
            foreach (var hit in result.Hits)
            {
                _hits[hit.RuleId] = _hits.GetValueOrDefault(hit.RuleId) + 1;
            }

            if (result.Alerts)
            {
                _alerting++;
            }

            var decision = _router.Route(result, TimeSpan.FromMinutes(_settings.JoinMinutes), Guid.NewGuid);
            if (decision.Action == AlertAction.Open)
            {
                _opened++;
                foreach (var hit in result.Hits.Where(h => !h.Shadow))
                {
                    _alertsByRule[hit.RuleId] = _alertsByRule.GetValueOrDefault(hit.RuleId) + 1;
                }
            }
        }

        public BacktestOutcome Outcome() => new(_opened, _alerting, _hits, _alertsByRule);
    }
}
