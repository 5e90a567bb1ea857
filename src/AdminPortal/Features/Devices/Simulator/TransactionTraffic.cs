namespace AdminPortal.Features.Devices.Simulator;

// The wire shape of POST /api/v1/transactions as a terminal sends it. The simulator is a client of the API like a real
// terminal, so it keeps its own copy of the contract rather than borrowing the Fraud slice's types.
public sealed record SimulatedTransactionBatch(IReadOnlyList<SimulatedTransaction> Events);

public sealed record SimulatedTransaction(
    string EventId, DateTimeOffset OccurredAt, string Type, long AmountMinor, string Currency, string CardToken, string Bin, string Last4,
    string EntryMode, string Result, string ResponseCode, SimulatedLocation? Location);

public sealed record SimulatedLocation(double Lat, double Lon);

public sealed record SimulatedBatchAnswer(int Accepted, int Duplicates);

/// <summary>The kinds of fraud the simulator stages now and then, so that the review queue has something to review.</summary>
public enum InjectedPattern
{
    /// <summary>Six small declined, manually keyed attempts with six different cards within three minutes.</summary>
    CardTesting,

    /// <summary>One card used six times within six minutes.</summary>
    CardVelocity,

    /// <summary>An approved refund to a card that never bought anything here.</summary>
    RefundWithoutSale,
}

/// <summary>
/// Makes one terminal's transactions: mostly ordinary contactless and chip sales to a pool of returning customers, a
/// few declines, refunds and voids of earlier sales, and — at <c>fraudRate</c> per batch — one injected fraud pattern.
/// Card data is a token, a BIN and the last four digits, never a card number. Event ids are the serial number and a
/// sequence (colon-separated, so no run of digits can look like a card number to the portal's PAN guard).
/// </summary>
public sealed class TransactionTraffic(string serialNumber, Random random)
{
    private const int CustomerPoolSize = 250;
    private const int RememberedSales = 50;

    // Test BINs of the big schemes (Visa, Mastercard, Amex, Maestro).
    private static readonly string[] Bins = ["411111", "424242", "400005", "510510", "555555", "222300", "371449", "676770"];

    private readonly List<Card> _customers = [];
    private readonly List<(Card Card, long Amount)> _recentSales = [];
    private long _sequence;

    public InjectedPattern? LastPattern { get; private set; }

    /// <summary>
    /// The next batch: <paramref name="count"/> ordinary transactions within the last <paramref name="period"/>, plus one
    /// injected pattern with probability <paramref name="fraudRate"/>.
    /// </summary>
    public SimulatedTransactionBatch NextBatch(
        int count, double fraudRate, string currency, SimulatedLocation? location, DateTimeOffset now, TimeSpan period)
    {
        var events = new List<SimulatedTransaction>();
        var seconds = Math.Max(1, (int)period.TotalSeconds);
        for (var i = 0; i < count; i++)
        {
            events.Add(Ordinary(currency, location, now.AddSeconds(-random.Next(seconds))));
        }

        LastPattern = random.NextDouble() < fraudRate ? (InjectedPattern)random.Next(3) : null;
        if (LastPattern is { } pattern)
        {
            events.AddRange(Inject(pattern, currency, location, now));
        }

        // Terminals send in the order things happened; ids follow that order too.
        return new SimulatedTransactionBatch(events.OrderBy(e => e.OccurredAt).ToList());
    }

    private List<SimulatedTransaction> Inject(InjectedPattern pattern, string currency, SimulatedLocation? location, DateTimeOffset now)
    {
        switch (pattern)
        {
            case InjectedPattern.CardTesting:
                return Enumerable.Range(0, 6)
                    .Select(i => Event(NewCard(), now.AddSeconds(-180 + (i * 30)), "sale", 100 + random.Next(100), currency, "manual",
                        "declined", i % 2 == 0 ? "05" : "14", location))
                    .ToList();
            case InjectedPattern.CardVelocity:
                var card = NewCard();
                return Enumerable.Range(0, 6)
                    .Select(i => Event(card, now.AddSeconds(-360 + (i * 60)), "sale", 2_000 + random.Next(8_000), currency, "contactless",
                        "approved", "00", location))
                    .ToList();
            default:
                return [Event(NewCard(), now.AddSeconds(-random.Next(60)), "refund", 5_000 + random.Next(15_000), currency, "chip",
                    "approved", "00", location)];
        }
    }

    private SimulatedTransaction Ordinary(string currency, SimulatedLocation? location, DateTimeOffset at)
    {
        var roll = random.NextDouble();
        if (roll < 0.05 && _recentSales.Count > 0)
        {
            // A refund or a void of an earlier sale, for at most its amount.
            var (card, amount) = _recentSales[random.Next(_recentSales.Count)];
            var refund = roll < 0.035;
            return Event(card, at, refund ? "refund" : "void", refund ? Math.Max(1, amount - random.Next((int)Math.Min(amount, 500))) : amount,
                currency, "contactless", "approved", "00", location);
        }

        var customer = Customer();
        var declined = random.NextDouble() < 0.03;
        var entry = random.NextDouble() switch { < 0.62 => "contactless", < 0.96 => "chip", < 0.985 => "swipe", _ => "manual" };
        var sale = Event(customer, at, "sale", SaleAmount(), currency, entry, declined ? "declined" : "approved", declined ? "51" : "00", location);
        if (!declined)
        {
            _recentSales.Add((customer, sale.AmountMinor));
            if (_recentSales.Count > RememberedSales)
            {
                _recentSales.RemoveAt(0);
            }
        }

        return sale;
    }

    // Most mPOS sales are small: a long tail from a few euros up to a few hundred (log-uniform, in minor units).
    private long SaleAmount() => (long)Math.Round(Math.Exp(Math.Log(300) + (random.NextDouble() * (Math.Log(45_000) - Math.Log(300)))));

    private SimulatedTransaction Event(Card card, DateTimeOffset at, string type, long amount, string currency, string entryMode, string result,
        string responseCode, SimulatedLocation? location) =>
        new($"{serialNumber}:tx:{++_sequence}", at, type, amount, currency, card.Token, card.Bin, card.Last4, entryMode, result, responseCode, location);

    private Card Customer()
    {
        if (_customers.Count < CustomerPoolSize && (_customers.Count == 0 || random.NextDouble() < 0.4))
        {
            _customers.Add(NewCard());
        }

        return _customers[random.Next(_customers.Count)];
    }

    private Card NewCard()
    {
        // Letters only: a token must never contain a run of digits the PAN guard could mistake for a card number.
        Span<char> token = stackalloc char[24];
        for (var i = 0; i < token.Length; i++)
        {
            token[i] = (char)('a' + random.Next(26));
        }

        return new Card($"tok_{token}", Bins[random.Next(Bins.Length)], random.Next(10_000).ToString("0000", System.Globalization.CultureInfo.InvariantCulture));
    }

    private sealed record Card(string Token, string Bin, string Last4);
}
