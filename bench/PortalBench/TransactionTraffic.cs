using System.Buffers;
using System.Text.Json;
using AdminPortal.Features.Fraud;

namespace PortalBench;

/// <summary>
/// A plausible stream of card transactions: mostly chip and contactless sales on a large pool of card tokens, a few
/// keyed entries, refunds and declines, and some cards reused (so the card rules find work). Each terminal keeps a
/// till's pace: one sale every 5–35 s (a busy till at peak), so a batch of 500 is the last ~2¾ hours of one terminal
/// (a store-and-forward upload). A terminal's next batch holds its hours before that. Until 2026-12-01 every batch put
/// 500 events of one terminal within 30 seconds, so the device-velocity rule (more than 30 in 5 minutes) fired on
/// nearly every event: 1.2 rule-hit rows per event, written and indexed, which no real estate produces.
/// The same generator feeds the HTTP measure (as JSON) and the in-process scoring measure (as events).
/// </summary>
public sealed class TransactionTraffic(string runId, int seed = 7)
{
    private readonly Random _random = new(seed);
    private long _sequence;

    // Trading happens while stores are open (the seeded stores: weekdays 9:00–20:00 in Berlin, London, Seattle and Boston):
    // a terminal's first batch ends at the last weekday 17:00 in its store's own time zone, so its hours before that
    // are trading hours too. (Until 2026-12-01 every terminal traded at the last 12:00 UTC: 7:00 or 4:00 in the US
    // stores, so a third of all events broke the outside-store-hours rule.)
    private static DateTimeOffset LastTradingAfternoon(string timeZone, DateTimeOffset now)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        var local = TimeZoneInfo.ConvertTime(now, zone).DateTime;
        var day = local.TimeOfDay >= TimeSpan.FromHours(17) ? local.Date : local.Date.AddDays(-1);
        while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            day = day.AddDays(-1);
        }

        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(day.AddHours(17), zone));
    }

    public sealed record Item(string EventId, DateTimeOffset OccurredAt, TransactionType Type, long AmountMinor, string Currency, string CardToken,
        string Bin, string Last4, EntryMode EntryMode, TransactionResult Result, double? Latitude, double? Longitude);

    // Where each terminal's timeline stands: the time just before the oldest event it has sent so far.
    private readonly Dictionary<Guid, DateTimeOffset> _terminalClock = [];

    /// <summary>
    /// The next <paramref name="count"/> events of one terminal, oldest first: the <paramref name="count"/> sales before
    /// the ones it already sent (the first batch ends at the store's last weekday 17:00 before <paramref name="now"/>).
    /// </summary>
    public Item[] NextBatch(BenchTerminal terminal, int count, DateTimeOffset now)
    {
        lock (_random)
        {
            var end = _terminalClock.TryGetValue(terminal.DeviceId, out var clock) ? clock : LastTradingAfternoon(terminal.StoreTimeZone, now) - TimeSpan.FromSeconds(_random.Next(0, 30));
            var times = new DateTimeOffset[count];
            var at = end;
            for (var i = count - 1; i >= 0; i--)
            {
                times[i] = at;
                at -= TimeSpan.FromSeconds(5 + _random.Next(0, 31));
            }

            _terminalClock[terminal.DeviceId] = at;
            var items = new Item[count];
            for (var i = 0; i < count; i++)
            {
                items[i] = Next(terminal, times[i]);
            }

            return items;
        }
    }

    private Item Next(BenchTerminal terminal, DateTimeOffset occurredAt)
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
        return new Item($"{runId}x{Interlocked.Increment(ref _sequence)}", occurredAt, type,
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
            foreach (var item in NextBatch(terminal, count, now))
            {
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
