namespace AdminPortal.Features.Fraud.Scoring;

/// <summary>
/// Everything the rules remember about one merchant, in memory: recent activity per card token and per device, the
/// merchant's amount history, approved sales per card (for refunds) and each card's last seen location. Rebuilt from
/// stored events after a restart by replaying them through <see cref="Record"/>.
/// </summary>
public sealed class MerchantRiskState(Guid merchantId)
{
    // Long enough for every sliding window a rule offers (its parameter maxima).
    public static readonly TimeSpan WindowRetention = TimeSpan.FromHours(24);

    public Guid MerchantId { get; } = merchantId;

    public Dictionary<string, CardState> Cards { get; } = new(StringComparer.Ordinal);

    public Dictionary<Guid, DeviceState> Devices { get; } = new();

    /// <summary>Approved sale amounts per currency (running mean and variance, Welford).</summary>
    public Dictionary<string, AmountStatistics> Amounts { get; } = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<Guid, StoreProfile> Stores { get; set; } = new Dictionary<Guid, StoreProfile>();

    /// <summary>How far back approved sales are kept for the refund rule.</summary>
    public TimeSpan SalesRetention { get; set; } = TimeSpan.FromDays(30);

    public CardState Card(string token) =>
        Cards.TryGetValue(token, out var card) ? card : Cards[token] = new CardState();

    public DeviceState Device(Guid deviceId) =>
        Devices.TryGetValue(deviceId, out var device) ? device : Devices[deviceId] = new DeviceState();

    public void Record(TransactionEvent e)
    {
        var ticks = e.OccurredAt.UtcTicks;
        var retention = WindowRetention.Ticks;
        var card = Card(e.CardToken);
        card.Recent.Add(ticks, e.AmountMinor, (int)e.Result, retention);
        if (e.Location is { } location && (card.LastLocationTicks is null || ticks >= card.LastLocationTicks))
        {
            card.LastLocation = location;
            card.LastLocationTicks = ticks;
        }

        if (e.Type == TransactionType.Sale && e.Result == TransactionResult.Approved)
        {
            card.Sales.Add(ticks, e.AmountMinor, 0, SalesRetention.Ticks);
            if (!Amounts.TryGetValue(e.Currency, out var stats))
            {
                Amounts[e.Currency] = stats = new AmountStatistics();
            }

            stats.Add(e.AmountMinor);
        }

        var device = Device(e.DeviceId);
        device.Recent.Add(ticks, e.AmountMinor, (int)e.Result, retention);
        if (e.Result == TransactionResult.Declined)
        {
            device.Declines.Add(ticks, e.AmountMinor, e.CardToken.GetHashCode(StringComparison.Ordinal), retention);
        }

        device.RecordEntryMode(e.EntryMode);
    }
}

public sealed class CardState
{
    public SlidingWindow Recent { get; } = new();
    public SlidingWindow Sales { get; } = new();
    public GeoPoint? LastLocation { get; set; }
    public long? LastLocationTicks { get; set; }
}

public sealed class DeviceState
{
    // The keyed-entry rule looks at most this many recent transactions of a device.
    public const int EntryModeCapacity = 200;

    private readonly EntryMode[] _modes = new EntryMode[EntryModeCapacity];
    private int _next;

    public SlidingWindow Recent { get; } = new();

    /// <summary>Declines; the tag is a hash of the card token, to count distinct cards in a burst.</summary>
    public SlidingWindow Declines { get; } = new();

    public int EntryModesSeen { get; private set; }

    public void RecordEntryMode(EntryMode mode)
    {
        _modes[_next] = mode;
        _next = (_next + 1) % EntryModeCapacity;
        EntryModesSeen = Math.Min(EntryModesSeen + 1, EntryModeCapacity);
    }

    /// <summary>Manual and fallback counts among the last <paramref name="sample"/> transactions.</summary>
    public (int Seen, int Manual, int Fallback) EntryModes(int sample)
    {
        var seen = Math.Min(sample, EntryModesSeen);
        int manual = 0, fallback = 0;
        for (var i = 1; i <= seen; i++)
        {
            switch (_modes[(_next - i + EntryModeCapacity) % EntryModeCapacity])
            {
                case EntryMode.Manual: manual++; break;
                case EntryMode.Fallback: fallback++; break;
            }
        }

        return (seen, manual, fallback);
    }
}

/// <summary>Running mean and standard deviation (Welford): constant memory however long the history.</summary>
public sealed class AmountStatistics
{
    private double _mean;
    private double _m2;

    public long Count { get; private set; }
    public double Mean => _mean;
    public double StandardDeviation => Count > 1 ? Math.Sqrt(_m2 / (Count - 1)) : 0;

    public void Add(long value)
    {
        Count++;
        var delta = value - _mean;
        _mean += delta / Count;
        _m2 += delta * (value - _mean);
    }
}
