using System.Diagnostics.CodeAnalysis;

namespace AdminPortal.Features.Fraud.Scoring;

/// <summary>
/// Recent (time, amount, tag) entries of one card or device, kept sorted by time. Terminals may report late (offline
/// batches), so an entry is inserted in its place, which is almost always the end. Counting a window is a binary search
/// plus the entries inside it, independent of how much history is kept; entries older than the retention horizon
/// behind the newest are dropped on insert.
/// </summary>
/// <remarks>
/// A struct kept inside its owner (a <see cref="CardTable"/> slot, a <see cref="DeviceState"/>), holding its first
/// <see cref="InlineCapacity"/> entries inline: every object a card keeps is one more for the garbage collector to copy
/// out of the young generations and trace for as long as the card is remembered (with an array per card window, the
/// bench's 500,000 returning cards made 1.2 million of them, 164 MB). An array is allocated only for a window with more
/// entries than that. Owners expose it by <c>ref readonly</c>; only the owner's own code adds to it.
/// </remarks>
public struct SlidingWindow
{
    public const int InlineCapacity = 3;

    private InlineEntries _inline;
    private Entry[]? _entries;
    private int _count;
    private long _newest;

    public readonly int Count => _count;

    public void Add(long ticks, long amount, int tag, long retentionTicks)
    {
        var entry = new Entry(ticks, amount, tag);
        if (_entries is null && _count == InlineCapacity)
        {
            _entries = new Entry[InlineCapacity * 2];
            ((ReadOnlySpan<Entry>)_inline).CopyTo(_entries);
            _inline = default;
        }
        else if (_entries is not null && _count == _entries.Length)
        {
            Array.Resize(ref _entries, _entries.Length * 2);
        }

        var entries = _entries is null ? (Span<Entry>)_inline : _entries;
        var at = _count == 0 || entries[_count - 1].Ticks <= ticks ? _count : UpperBound(ticks);
        entries[at.._count].CopyTo(entries[(at + 1)..]);
        entries[at] = entry;
        _count++;

        _newest = _count == 1 ? ticks : Math.Max(_newest, ticks);
        var drop = LowerBound(_newest - retentionTicks);
        if (drop > 0)
        {
            entries[drop.._count].CopyTo(entries);
            _count -= drop;
        }
    }

    /// <summary>The time of the newest entry ever added; <see cref="long.MinValue"/> when there was none.</summary>
    public readonly long Newest => _count == 0 ? long.MinValue : _newest;

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
    public readonly ReadOnlySpan<Entry> Entries => _entries is null ? ((ReadOnlySpan<Entry>)_inline)[.._count] : _entries.AsSpan(0, _count);

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

    [System.Runtime.CompilerServices.InlineArray(InlineCapacity)]
    private struct InlineEntries
    {
        private Entry _element;
    }
}
