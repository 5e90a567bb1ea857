namespace AdminPortal.Features.Fraud.Scoring;

/// <summary>
/// Recent (time, amount, tag) entries of one card or device, kept sorted by time. Terminals may report late (offline
/// batches), so an entry is inserted in its place, which is almost always the end. Counting a window is a binary search
/// plus the entries inside it, independent of how much history is kept; entries older than the retention horizon
/// behind the newest are dropped on insert.
/// </summary>
public sealed class SlidingWindow
{
    // Every card the merchant has seen keeps two windows, and most cards are seen once: the array is grown by hand from
    // a single entry (a List with its default capacity cost three times the memory, all of it kept for the GC to trace).
    private Entry[]? _entries;
    private int _count;
    private long _newest = long.MinValue;

    public int Count => _count;

    public void Add(long ticks, long amount, int tag, long retentionTicks)
    {
        var entry = new Entry(ticks, amount, tag);
        if (_entries is null || _count == _entries.Length)
        {
            Array.Resize(ref _entries, _entries is null ? 1 : _entries.Length * 2);
        }

        var at = _count == 0 || _entries[_count - 1].Ticks <= ticks ? _count : UpperBound(ticks);
        Array.Copy(_entries, at, _entries, at + 1, _count - at);
        _entries[at] = entry;
        _count++;

        _newest = Math.Max(_newest, ticks);
        var drop = LowerBound(_newest - retentionTicks);
        if (drop > 0)
        {
            Array.Copy(_entries, drop, _entries, 0, _count - drop);
            _count -= drop;
        }
    }

    /// <summary>Entries in (<paramref name="toTicks"/> − window, <paramref name="toTicks"/>], oldest first.</summary>
    public ReadOnlySpan<Entry> Within(long toTicks, long windowTicks)
    {
        var from = UpperBound(toTicks - windowTicks);
        var to = UpperBound(toTicks);
        return Entries[from..Math.Max(from, to)];
    }

    /// <summary>Count and total amount in (<paramref name="toTicks"/> − window, <paramref name="toTicks"/>].</summary>
    public (int Count, long Amount) Sum(long toTicks, long windowTicks)
    {
        var entries = Within(toTicks, windowTicks);
        long amount = 0;
        foreach (var entry in entries)
        {
            amount += entry.Amount;
        }

        return (entries.Length, amount);
    }

    public ReadOnlySpan<Entry> Entries => _entries.AsSpan(0, _count);

    // First index with Ticks >= ticks.
    private int LowerBound(long ticks)
    {
        int lo = 0, hi = _count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_entries![mid].Ticks < ticks) lo = mid + 1; else hi = mid;
        }

        return lo;
    }

    // First index with Ticks > ticks.
    private int UpperBound(long ticks)
    {
        int lo = 0, hi = _count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_entries![mid].Ticks <= ticks) lo = mid + 1; else hi = mid;
        }

        return lo;
    }

    public readonly record struct Entry(long Ticks, long Amount, int Tag);
}
