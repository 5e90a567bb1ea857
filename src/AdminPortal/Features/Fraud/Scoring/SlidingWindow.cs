namespace AdminPortal.Features.Fraud.Scoring;

/// <summary>
/// Recent (time, amount, tag) entries of one card or device, oldest first. Terminals may report late (offline batches),
/// so counting filters by time rather than trusting the order; entries older than the retention horizon behind the
/// newest are dropped on insert, which keeps every window small.
/// </summary>
public sealed class SlidingWindow
{
    private readonly List<Entry> _entries = new(4);

    public int Count => _entries.Count;

    public void Add(long ticks, long amount, int tag, long retentionTicks)
    {
        _entries.Add(new Entry(ticks, amount, tag));
        var newest = ticks;
        foreach (var entry in _entries)
        {
            newest = Math.Max(newest, entry.Ticks);
        }

        var horizon = newest - retentionTicks;
        var drop = 0;
        while (drop < _entries.Count && _entries[drop].Ticks < horizon)
        {
            drop++;
        }

        if (drop > 0)
        {
            _entries.RemoveRange(0, drop);
        }
    }

    /// <summary>Count and amount of entries in (<paramref name="toTicks"/> − window, <paramref name="toTicks"/>] matching the filter.</summary>
    public (int Count, long Amount) Sum(long toTicks, long windowTicks, Func<int, bool>? tagFilter = null)
    {
        var from = toTicks - windowTicks;
        var count = 0;
        long amount = 0;
        foreach (var entry in _entries)
        {
            if (entry.Ticks > from && entry.Ticks <= toTicks && (tagFilter is null || tagFilter(entry.Tag)))
            {
                count++;
                amount += entry.Amount;
            }
        }

        return (count, amount);
    }

    public IEnumerable<Entry> Entries => _entries;

    public readonly record struct Entry(long Ticks, long Amount, int Tag);
}
