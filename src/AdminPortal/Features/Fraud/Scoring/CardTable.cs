using System.Diagnostics.CodeAnalysis;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace AdminPortal.Features.Fraud.Scoring;

/// <summary>
/// The cards one merchant has seen, without an object per card: a card is a <see cref="CardState"/> struct in a chunk
/// of slots, found through a dictionary from a 128-bit hash of its token to its slot.
/// </summary>
/// <remarks>
/// Almost every card a merchant sees is new, and every card stays for 30 days: with a string key and an object per
/// card, the garbage collector copied both out of the young generations and traced them for as long as the card was
/// remembered. Measured on the transactions bench: scoring with no card state at all took 19–20 µs of portal CPU per
/// event against 28 µs with it. Here the dictionary's entries hold no references, so the collector never looks into
/// them, and the slot chunks are a few large arrays that do not move.
/// The hash is XxHash128 with a seed drawn at start-up, so a terminal cannot craft two tokens that share a card's state
/// (nothing outside the process ever sees a hash); two different tokens meet by chance with a probability of about
/// n²/2¹²⁹, never for any real number of cards.
/// </remarks>
internal sealed class CardTable
{
    // 8,192 slots of about 220 bytes (two windows with three inline entries each): under 2 MB per chunk, allocated as
    // cards arrive.
    private const int ChunkBits = 13;
    private const int ChunkSize = 1 << ChunkBits;

    private static readonly long Seed = BitConverter.ToInt64(RandomNumberGenerator.GetBytes(8));

    internal static readonly CardState Unseen;

    private readonly Dictionary<UInt128, int> _slotOf = new();
    private readonly List<CardState[]> _chunks = [];
    private readonly Stack<int> _freeSlots = new();
    private int _nextSlot;

    public int Count => _slotOf.Count;

    public static UInt128 KeyOf(string token) => XxHash128.HashToUInt128(MemoryMarshal.AsBytes(token.AsSpan()), Seed);

    /// <summary>The card's state, or a state that does not <see cref="CardState.Exists"/> for a card not in the table.</summary>
    public ref readonly CardState Find(UInt128 key, out int slot)
    {
        if (_slotOf.TryGetValue(key, out slot))
        {
            return ref At(slot);
        }

        slot = -1;
        return ref Unseen;
    }

    public ref CardState At(int slot) => ref _chunks[slot >> ChunkBits][slot & (ChunkSize - 1)];

    /// <summary>The card's slot, taken from the free ones (or a new chunk) when the card is new.</summary>
    public int Add(UInt128 key)
    {
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_slotOf, key, out var exists);
        if (!exists)
        {
            slot = _freeSlots.Count > 0 ? _freeSlots.Pop() : NewSlot();
        }

        return slot;
    }

    /// <summary>Drops every card whose last use is before <paramref name="horizonTicks"/>; their slots are reused.</summary>
    public void RemoveUsedBefore(long horizonTicks)
    {
        foreach (var (key, slot) in _slotOf)
        {
            ref var card = ref At(slot);
            if (card.LastUsedTicks < horizonTicks)
            {
                card = default;
                _freeSlots.Push(slot);
                _slotOf.Remove(key);
            }
        }
    }

    private int NewSlot()
    {
        if (_nextSlot == _chunks.Count * ChunkSize)
        {
            _chunks.Add(new CardState[ChunkSize]);
        }

        return _nextSlot++;
    }
}

/// <summary>One card token's recent uses, approved sales and last location, kept in a <see cref="CardTable"/> slot.</summary>
public struct CardState
{
    private SlidingWindow _recent;
    private SlidingWindow _sales;
    private GeoPoint _lastLocation;
    private long _lastLocationTicks;
    private bool _hasLocation;

    /// <summary>False for a card the merchant has not seen within the retention (a card in the table has at least one use).</summary>
    public readonly bool Exists => _recent.Count > 0;

    [UnscopedRef]
    public readonly ref readonly SlidingWindow Recent => ref _recent;

    [UnscopedRef]
    public readonly ref readonly SlidingWindow Sales => ref _sales;

    public readonly GeoPoint? LastLocation => _hasLocation ? _lastLocation : null;

    public readonly long LastLocationTicks => _lastLocationTicks;

    /// <summary>The time of the card's newest transaction.</summary>
    public readonly long LastUsedTicks => _recent.Newest;

    internal void RecordUse(long ticks, TransactionEvent e, long retentionTicks)
    {
        _recent.Add(ticks, e.AmountMinor, (int)e.Result, retentionTicks);
        if (e.Location is { } location && (!_hasLocation || ticks >= _lastLocationTicks))
        {
            _lastLocation = location;
            _lastLocationTicks = ticks;
            _hasLocation = true;
        }

        if (e.Type == TransactionType.Sale && e.Result == TransactionResult.Approved)
        {
            _sales.Add(ticks, e.AmountMinor, 0, MerchantRiskState.CardRetention.Ticks);
        }
    }
}
