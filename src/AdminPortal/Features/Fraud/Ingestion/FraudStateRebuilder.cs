using AdminPortal.Features.Fraud.Scoring;
using AdminPortal.Features.Merchants;

namespace AdminPortal.Features.Fraud.Ingestion;

/// <summary>
/// After a restart the engine's memory is empty: replay the stored events of the retention period (oldest first, without
/// scoring them again) and reload the open alerts, so velocity windows, amount history and refund matching continue
/// exactly where they stopped.
/// </summary>
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

    /// <summary>How far back state reaches: the longest look-back any rule offers (refunds, 30 days).</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(30);

    public async Task RebuildAsync(CancellationToken ct)
    {
        _engine.Reset();
        _router.Clear();
        var since = _clock.GetUtcNow() - Retention;
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
