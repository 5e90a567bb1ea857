using System.Runtime.InteropServices;

namespace AdminPortal.Features.Fraud.Scoring;

/// <summary>
/// Recent (time, amount, tag) entries of one card or device, kept sorted by time. Terminals may report late (offline
/// batches), so an entry is inserted in its place, which is almost always the end. Counting a window is a binary search
/// plus the entries inside it, independent of how much history is kept; entries older than the retention horizon
/// behind the newest are dropped on insert.
/// </summary>
public sealed class SlidingWindow
{
    private readonly List<Entry> _entries = new(4);
    private long _newest = long.MinValue;

    public int Count => _entries.Count;

    public void Add(long ticks, long amount, int tag, long retentionTicks)
    {
        var entry = new Entry(ticks, amount, tag);
        if (_entries.Count == 0 || _entries[^1].Ticks <= ticks)
        {
            _entries.Add(entry);
        }
        else
        {
            _entries.Insert(UpperBound(ticks), entry);
        }

        _newest = Math.Max(_newest, ticks);
        var drop = LowerBound(_newest - retentionTicks);
        if (drop > 0)
        {
            _entries.RemoveRange(0, drop);
        }
    }

    /// <summary>Entries in (<paramref name="toTicks"/> − window, <paramref name="toTicks"/>], oldest first.</summary>
    public ReadOnlySpan<Entry> Within(long toTicks, long windowTicks)
    {
        var from = UpperBound(toTicks - windowTicks);
        var to = UpperBound(toTicks);
        return CollectionsMarshal.AsSpan(_entries)[from..Math.Max(from, to)];
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

    public ReadOnlySpan<Entry> Entries => CollectionsMarshal.AsSpan(_entries);

    // First index with Ticks >= ticks.
    private int LowerBound(long ticks)
    {
        int lo = 0, hi = _entries.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_entries[mid].Ticks < ticks) lo = mid + 1; else hi = mid;
        }

        return lo;
    }

    // First index with Ticks > ticks.
    private int UpperBound(long ticks)
    {
        int lo = 0, hi = _entries.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_entries[mid].Ticks <= ticks) lo = mid + 1; else hi = mid;
        }

        return lo;
    }

    public readonly record struct Entry(long Ticks, long Amount, int Tag);
}
