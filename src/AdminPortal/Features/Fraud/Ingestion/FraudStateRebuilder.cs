using AdminPortal.Features.Fraud.Scoring;
using AdminPortal.Features.Merchants;

namespace AdminPortal.Features.Fraud.Ingestion;

/// <summary>
/// After a restart the engine's memory is empty: replay the stored events that occurred within the retention period
/// (without scoring them again) and reload the open alerts, so velocity windows, amount history, refund matching and
/// each terminal's recent entry modes continue exactly where they stopped.
/// </summary>
/// <remarks>
/// The replay goes in arrival order (<see cref="FraudEventStore.StreamAsync"/>: receive time, then occurred time), the
/// order the live loop scored in, not in occurred order: a terminal that was offline uploads events older than ones
/// already stored, and the live engine recorded them last. Most of the state does not care (windows keep entries sorted
/// by time), but a terminal's last N entry modes (the keyed-entry rule) do.
/// </remarks>
internal sealed class FraudStateRebuilder
{
    private readonly MerchantDirectory _directory;
    private readonly FraudEventStore _store;
    private readonly FraudEngine _engine;
    private readonly AlertRouter _router;
    private readonly FraudSettingsStore _settings;
    private readonly TimeProvider _clock;
    private readonly ILogger<FraudStateRebuilder> _logger;

    public FraudStateRebuilder(MerchantDirectory directory, FraudEventStore store, FraudEngine engine, AlertRouter router,
        FraudSettingsStore settings, TimeProvider clock, ILogger<FraudStateRebuilder> logger)
    {
        (_directory, _store, _engine, _router, _settings, _clock, _logger) = (directory, store, engine, router, settings, clock, logger);
    }

    /// <summary>How far back state reaches: as long as the engine remembers a card (the refund rule's 30 days).</summary>
    public static readonly TimeSpan Retention = MerchantRiskState.CardRetention;

    public async Task RebuildAsync(CancellationToken ct)
    {
        _engine.Reset();
        _router.Clear();
        var since = _clock.GetUtcNow() - Retention;
        // Every event stored so far (the rebuild runs inside the only writer's loop), with a day's slack for the clock
        // of another instance that stored some of them.
        var until = _clock.GetUtcNow() + TimeSpan.FromDays(1);
        var replayed = 0;
        var merchants = await _directory.ListMerchantsAsync(ct);
        await _settings.LoadIntoEngineAsync(merchants.Select(m => m.Id), ct);
        foreach (var merchant in merchants)
        {
            await foreach (var e in _store.StreamAsync(merchant.Id, since, until, ct))
            {
                _engine.Replay(e);
                replayed++;
            }
        }

        var open = await _store.OpenAlertsAsync(ct);
        foreach (var row in open)
        {
            var alert = new OpenAlert
            {
                Id = row.Id,
                MerchantId = row.MerchantId,
                DeviceId = row.DeviceId,
                CardToken = row.CardToken,
                LastEventAt = row.LastEventAt,
                Score = row.Score,
                HitCount = row.HitCount,
            };
            alert.Rules.UnionWith(AlertRules.Decode(row.Rules));
            _router.Track(alert);
        }

        _logger.LogInformation("Fraud scoring state rebuilt from {Events} stored events and {Alerts} open alerts", replayed, open.Count);
    }
}
