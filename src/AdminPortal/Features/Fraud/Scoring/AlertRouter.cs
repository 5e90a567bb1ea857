namespace AdminPortal.Features.Fraud.Scoring;

/// <summary>An alert that is still open, as the router remembers it (enough to join hits without a database read).</summary>
public sealed class OpenAlert
{
    public Guid Id { get; init; }
    public Guid MerchantId { get; init; }
    public Guid DeviceId { get; init; }
    public required string CardToken { get; init; }
    public DateTimeOffset LastEventAt { get; set; }
    public int Score { get; set; }
    public int HitCount { get; set; }
    public SortedSet<string> Rules { get; init; } = new(StringComparer.Ordinal);
}

/// <summary>What to do with a scored event's live hits.</summary>
public enum AlertAction
{
    /// <summary>No live hit, or below the threshold with nothing open to join: hits are only recorded.</summary>
    None,
    Open,
    Join,
}

public readonly record struct AlertDecision(AlertAction Action, OpenAlert? Alert);

/// <summary>
/// Decides whether a scored event opens an alert or joins an open one of the same terminal or card (within the join
/// window), so a burst of related hits becomes one alert rather than a flooded queue. Thread-safe: analysts close
/// alerts from pages while the ingestion loop routes.
/// </summary>
public sealed class AlertRouter
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(Guid Merchant, Guid Device), OpenAlert> _byDevice = new();
    private readonly Dictionary<(Guid Merchant, string Card), OpenAlert> _byCard = new();

    public int OpenCount
    {
        get
        {
            lock (_lock)
            {
                return _byDevice.Values.Concat(_byCard.Values).Distinct().Count();
            }
        }
    }

    public AlertDecision Route(ScoreResult result, TimeSpan joinWindow, Func<Guid> newId)
    {
        var hits = result.Hits;
        var liveCount = 0;
        for (var i = 0; i < hits.Count; i++)
        {
            liveCount += hits[i].Shadow ? 0 : 1;
        }

        if (liveCount == 0)
        {
            return new AlertDecision(AlertAction.None, null);
        }

        var e = result.Event;
        lock (_lock)
        {
            var open = Related(e, joinWindow);
            if (open is not null)
            {
                open.LastEventAt = e.OccurredAt > open.LastEventAt ? e.OccurredAt : open.LastEventAt;
                open.Score = Math.Max(open.Score, result.Score);
                open.HitCount += liveCount;
                AddLiveRules(open, hits);

                return new AlertDecision(AlertAction.Join, open);
            }

            if (!result.Alerts)
            {
                return new AlertDecision(AlertAction.None, null);
            }

            var alert = new OpenAlert
            {
                Id = newId(),
                MerchantId = e.MerchantId,
                DeviceId = e.DeviceId,
                CardToken = e.CardToken,
                LastEventAt = e.OccurredAt,
                Score = result.Score,
                HitCount = liveCount,
            };
            AddLiveRules(alert, hits);

            Track(alert);
            return new AlertDecision(AlertAction.Open, alert);
        }
    }

    /// <summary>Remembers an alert that is open (new, or loaded from the database after a restart).</summary>
    public void Track(OpenAlert alert)
    {
        lock (_lock)
        {
            _byDevice[(alert.MerchantId, alert.DeviceId)] = alert;
            _byCard[(alert.MerchantId, alert.CardToken)] = alert;
        }
    }

    /// <summary>An analyst decided the alert: later hits open a new one.</summary>
    public void Close(Guid merchantId, Guid alertId)
    {
        lock (_lock)
        {
            foreach (var key in _byDevice.Where(p => p.Key.Merchant == merchantId && p.Value.Id == alertId).Select(p => p.Key).ToList())
            {
                _byDevice.Remove(key);
            }

            foreach (var key in _byCard.Where(p => p.Key.Merchant == merchantId && p.Value.Id == alertId).Select(p => p.Key).ToList())
            {
                _byCard.Remove(key);
            }
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _byDevice.Clear();
            _byCard.Clear();
        }
    }

    private static void AddLiveRules(OpenAlert alert, IReadOnlyList<ScoredHit> hits)
    {
        for (var i = 0; i < hits.Count; i++)
        {
            if (!hits[i].Shadow)
            {
                alert.Rules.Add(hits[i].RuleId);
            }
        }
    }

    private OpenAlert? Related(TransactionEvent e, TimeSpan joinWindow)
    {
        OpenAlert? candidate = null;
        if (_byDevice.TryGetValue((e.MerchantId, e.DeviceId), out var byDevice) && Near(byDevice))
        {
            candidate = byDevice;
        }
        else if (_byCard.TryGetValue((e.MerchantId, e.CardToken), out var byCard) && Near(byCard))
        {
            candidate = byCard;
        }

        return candidate;

        bool Near(OpenAlert alert) => (e.OccurredAt - alert.LastEventAt).Duration() <= joinWindow;
    }
}
