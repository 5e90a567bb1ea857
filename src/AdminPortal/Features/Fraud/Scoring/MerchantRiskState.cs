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

    /// <summary>
    /// How long a card or a device is remembered after its last transaction: the longest look-back a rule offers (the
    /// refund rule's 30 days), and the span a rebuild replays (<c>FraudStateRebuilder.Retention</c>), so a restart
    /// remembers the same cards and devices.
    /// </summary>
    public static readonly TimeSpan CardRetention = TimeSpan.FromDays(30);

    // Forgotten cards and devices are swept once per day of event time: a pass over them is cheap next to a day of events.
    private static readonly long SweepEveryTicks = TimeSpan.FromDays(1).Ticks;

    private readonly CardTable _cards = new();

    // The rules of one event ask for its card several times with the same token instance: remember the last answer.
    private string? _lastToken;
    private int _lastSlot = -1;

    private long _newestTicks = long.MinValue;
    private long _nextSweepTicks = long.MinValue;

    public Guid MerchantId { get; } = merchantId;

    public int CardCount => _cards.Count;

    public Dictionary<Guid, DeviceState> Devices { get; } = new();

    /// <summary>Approved sale amounts per currency (running mean and variance, Welford).</summary>
    public Dictionary<string, AmountStatistics> Amounts { get; } = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<Guid, StoreProfile> Stores { get; set; } = new Dictionary<Guid, StoreProfile>();

    /// <summary>
    /// What is remembered of a card token: a state that does not <see cref="CardState.Exists"/> for a card not seen
    /// within <see cref="CardRetention"/>. Read it before the next <see cref="Record"/>, which may change it.
    /// </summary>
    public ref readonly CardState FindCard(string token)
    {
        if (ReferenceEquals(token, _lastToken))
        {
            return ref _lastSlot < 0 ? ref CardTable.Unseen : ref _cards.At(_lastSlot);
        }

        _lastToken = token;
        return ref _cards.Find(CardTable.KeyOf(token), out _lastSlot);
    }

    public DeviceState Device(Guid deviceId) =>
        Devices.TryGetValue(deviceId, out var device) ? device : Devices[deviceId] = new DeviceState();

    public void Record(TransactionEvent e)
    {
        var ticks = e.OccurredAt.UtcTicks;
        var retention = WindowRetention.Ticks;
        if (!ReferenceEquals(e.CardToken, _lastToken) || _lastSlot < 0)
        {
            _lastToken = e.CardToken;
            _lastSlot = _cards.Add(CardTable.KeyOf(e.CardToken));
        }

        _cards.At(_lastSlot).RecordUse(ticks, e, retention);
        if (e.Type == TransactionType.Sale && e.Result == TransactionResult.Approved)
        {
            if (!Amounts.TryGetValue(e.Currency, out var stats))
            {
                Amounts[e.Currency] = stats = new AmountStatistics();
            }

            stats.Add(e.AmountMinor);
        }

        var device = Device(e.DeviceId);
        device.Record(ticks, e, retention);
        ForgetIdle(ticks);
    }

    /// <summary>
    /// Drops the cards and devices whose last transaction is more than <see cref="CardRetention"/> behind the newest
    /// event: no rule looks that far back (a rebuild would not replay it either), and without this the state would grow
    /// with every card ever seen and keep every retired terminal's state until a restart.
    /// </summary>
    private void ForgetIdle(long ticks)
    {
        _newestTicks = Math.Max(_newestTicks, ticks);
        if (_newestTicks < _nextSweepTicks)
        {
            return;
        }

        if (_nextSweepTicks != long.MinValue)
        {
            var forgetBefore = _newestTicks - CardRetention.Ticks;
            _cards.RemoveUsedBefore(forgetBefore);
            _lastToken = null;
            _lastSlot = -1;
            foreach (var (deviceId, device) in Devices)
            {
                if (device.LastUsedTicks < forgetBefore)
                {
                    // Removing the entry being enumerated is allowed (Dictionary keeps enumerating, .NET Core 3.0 on).
                    Devices.Remove(deviceId);
                }
            }
        }

        _nextSweepTicks = _newestTicks + SweepEveryTicks;
    }
}

public sealed class DeviceState
{
    // The keyed-entry rule looks at most this many recent transactions of a device.
    public const int EntryModeCapacity = 200;

    private readonly EntryMode[] _modes = new EntryMode[EntryModeCapacity];
    private int _next;

    private SlidingWindow _recent;
    private SlidingWindow _declines;

    public ref readonly SlidingWindow Recent => ref _recent;

    /// <summary>Declines; the tag is a hash of the card token, to count distinct cards in a burst.</summary>
    public ref readonly SlidingWindow Declines => ref _declines;

    public int EntryModesSeen { get; private set; }

    /// <summary>When the device's latest transaction occurred (ticks): what the merchant state's sweep forgets it by.</summary>
    public long LastUsedTicks { get; private set; } = long.MinValue;

    internal void Record(long ticks, TransactionEvent e, long retentionTicks)
    {
        LastUsedTicks = Math.Max(LastUsedTicks, ticks);
        _recent.Add(ticks, e.AmountMinor, (int)e.Result, retentionTicks);
        if (e.Result == TransactionResult.Declined)
        {
            _declines.Add(ticks, e.AmountMinor, e.CardToken.GetHashCode(StringComparison.Ordinal), retentionTicks);
        }

        RecordEntryMode(e.EntryMode);
    }

    private void RecordEntryMode(EntryMode mode)
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
