using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace AdminPortal.Features.Fraud.Scoring;

/// <summary>
/// Recent (time, amount, tag) entries of one card or device, kept sorted by time. Terminals may report late (offline
/// batches), so an entry is inserted in its place, which is almost always the end. Counting a window is a binary search
/// plus the entries inside it, independent of how much history is kept; entries older than the retention horizon
/// behind the newest are dropped on insert.
/// </summary>
/// <remarks>
/// A struct kept inside its owner (<see cref="CardState"/>, <see cref="DeviceState"/>), holding its first entry inline:
/// most cards are seen once, and every object a card keeps is one more for the garbage collector to copy out of the
/// youngest generation and trace for as long as the card is remembered (the ingest loop's collections were dominated by
/// exactly these). An array is allocated only from the second entry on. Owners expose it by <c>ref readonly</c>; only
/// the owner's own code adds to it.
/// </remarks>
public struct SlidingWindow
{
    private Entry _first;
    private Entry[]? _entries;
    private int _count;
    private long _newest;

    public readonly int Count => _count;

    public void Add(long ticks, long amount, int tag, long retentionTicks)
    {
        var entry = new Entry(ticks, amount, tag);
        if (_count == 0 && _entries is null)
        {
            _first = entry;
            _count = 1;
            _newest = ticks;
            return;
        }

        if (_entries is null)
        {
            _entries = new Entry[2];
            _entries[0] = _first;
            _first = default;
        }
        else if (_count == _entries.Length)
        {
            Array.Resize(ref _entries, _entries.Length * 2);
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

    /// <summary>The time of the newest entry ever added; <see cref="long.MinValue"/> when there was none.</summary>
    public readonly long Newest => _count == 0 && _entries is null ? long.MinValue : _newest;

    /// <summary>Entries in (<paramref name="toTicks"/> − window, <paramref name="toTicks"/>], oldest first.</summary>
    [UnscopedRef]
    public readonly ReadOnlySpan<Entry> Within(long toTicks, long windowTicks)
    {
        var from = UpperBound(toTicks - windowTicks);
        var to = UpperBound(toTicks);
        return Entries[from..Math.Max(from, to)];
    }

    /// <summary>Count and total amount in (<paramref name="toTicks"/> − window, <paramref name="toTicks"/>].</summary>
    public readonly (int Count, long Amount) Sum(long toTicks, long windowTicks)
    {
        var entries = Within(toTicks, windowTicks);
        long amount = 0;
        foreach (var entry in entries)
        {
            amount += entry.Amount;
        }

        return (entries.Length, amount);
    }

    [UnscopedRef]
    public readonly ReadOnlySpan<Entry> Entries =>
        _entries is null ? MemoryMarshal.CreateReadOnlySpan(in _first, _count) : _entries.AsSpan(0, _count);

    // First index with Ticks >= ticks.
    private readonly int LowerBound(long ticks)
    {
        var entries = Entries;
        int lo = 0, hi = entries.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (entries[mid].Ticks < ticks) lo = mid + 1; else hi = mid;
        }

        return lo;
    }

    // First index with Ticks > ticks.
    private readonly int UpperBound(long ticks)
    {
        var entries = Entries;
        int lo = 0, hi = entries.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (entries[mid].Ticks <= ticks) lo = mid + 1; else hi = mid;
        }

        return lo;
    }

    public readonly record struct Entry(long Ticks, long Amount, int Tag);
}
