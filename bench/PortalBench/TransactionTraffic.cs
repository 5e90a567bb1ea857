using System.Buffers;
using System.Text.Json;
using AdminPortal.Features.Fraud;

namespace PortalBench;

/// <summary>
/// A plausible stream of card transactions: mostly chip and contactless sales on a large pool of card tokens, a few
/// keyed entries, refunds and declines, and some cards reused within minutes (so the velocity rules find work).
/// The same generator feeds the HTTP measure (as JSON) and the in-process scoring measure (as events).
/// </summary>
public sealed class TransactionTraffic(string runId, int seed = 7)
{
    private readonly Random _random = new(seed);
    private long _sequence;

    // Trading happens while stores are open: the stream is shifted to the last 12:00 UTC (inside the seeded stores'
    // opening hours in Europe) and runs on from there, so a night-time run does not turn every sale into an alert.
    private readonly TimeSpan _shift = LastNoonUtc() - DateTimeOffset.UtcNow;

    private static DateTimeOffset LastNoonUtc()
    {
        var now = DateTimeOffset.UtcNow;
        var noon = new DateTimeOffset(now.Year, now.Month, now.Day, 12, 0, 0, TimeSpan.Zero);
        return noon <= now ? noon : noon.AddDays(-1);
    }

    public sealed record Item(string EventId, DateTimeOffset OccurredAt, TransactionType Type, long AmountMinor, string Currency, string CardToken,
        string Bin, string Last4, EntryMode EntryMode, TransactionResult Result, double? Latitude, double? Longitude);

    public Item Next(BenchTerminal terminal, DateTimeOffset now)
    {
        // 1 in 200 events reuses one of 200 "hot" cards: some repetition for the velocity and card-testing rules.
        var card = _random.Next(200) == 0 ? _random.Next(200) : 200 + _random.Next(500_000);
        var entry = _random.Next(100) switch
        {
            < 55 => EntryMode.Contactless,
            < 93 => EntryMode.Chip,
            < 96 => EntryMode.Swipe,
            < 99 => EntryMode.Manual,
            _ => EntryMode.Fallback,
        };
        var type = _random.Next(100) switch
        {
            < 96 => TransactionType.Sale,
            < 99 => TransactionType.Refund,
            _ => TransactionType.Void,
        };
        var declined = _random.Next(100) < 3;
        var nearStore = terminal.StoreLatitude is { } lat && terminal.StoreLongitude is { } lon;
        // "x" between the run and the number: digit runs joined by a dash can read as a grouped card number.
        return new Item($"{runId}x{Interlocked.Increment(ref _sequence)}", (now + _shift).AddSeconds(-_random.Next(0, 30)), type,
            _random.Next(100, 20_000), "EUR", $"tok_{card:D9}", "41111111"[..6], (card % 10_000).ToString("D4"), entry,
            declined ? TransactionResult.Declined : TransactionResult.Approved,
            // Six decimals (~0.1 m), as GPS reports them: a double printed in full can hold a 13–19 digit run that passes
            // the Luhn check, and the portal rightly refuses anything that looks like a card number.
            nearStore ? Math.Round(terminal.StoreLatitude!.Value + _random.NextDouble() * 0.01, 6) : null, nearStore ? terminal.StoreLongitude : null);
    }

    public TransactionEvent ToEvent(Item item, BenchTerminal terminal, DateTimeOffset now) => new()
    {
        MerchantId = terminal.MerchantId,
        DeviceId = terminal.DeviceId,
        StoreId = terminal.StoreId,
        EventId = item.EventId,
        OccurredAt = item.OccurredAt,
        ReceivedAt = now,
        Type = item.Type,
        AmountMinor = item.AmountMinor,
        Currency = item.Currency,
        CardToken = item.CardToken,
        Bin = item.Bin,
        Last4 = item.Last4,
        EntryMode = item.EntryMode,
        Result = item.Result,
        ResponseCode = item.Result == TransactionResult.Declined ? "05" : "00",
        Latitude = item.Latitude,
        Longitude = item.Longitude,
    };

    /// <summary>The <c>POST /api/v1/transactions</c> body for <paramref name="count"/> new events of one terminal.</summary>
    public byte[] Batch(BenchTerminal terminal, int count, DateTimeOffset now)
    {
        var buffer = new ArrayBufferWriter<byte>(count * 300);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("events");
            for (var i = 0; i < count; i++)
            {
                Item item;
                lock (_random)
                {
                    item = Next(terminal, now);
                }

                json.WriteStartObject();
                json.WriteString("eventId", item.EventId);
                json.WriteString("occurredAt", item.OccurredAt);
                json.WriteString("type", item.Type.ToString().ToLowerInvariant());
                json.WriteNumber("amountMinor", item.AmountMinor);
                json.WriteString("currency", item.Currency);
                json.WriteString("cardToken", item.CardToken);
                json.WriteString("bin", item.Bin);
                json.WriteString("last4", item.Last4);
                json.WriteString("entryMode", item.EntryMode.ToString().ToLowerInvariant());
                json.WriteString("result", item.Result.ToString().ToLowerInvariant());
                json.WriteString("responseCode", item.Result == TransactionResult.Declined ? "05" : "00");
                if (item.Latitude is { } lat && item.Longitude is { } lon)
                {
                    json.WriteStartObject("location");
                    json.WriteNumber("lat", lat);
                    json.WriteNumber("lon", lon);
                    json.WriteEndObject();
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
