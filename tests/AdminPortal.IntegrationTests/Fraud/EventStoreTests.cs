using AdminPortal.Features.Fraud;
using AdminPortal.Features.Fraud.Ingestion;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using Dapper;

namespace AdminPortal.IntegrationTests.Fraud;

/// <summary>
/// The ingest loop's event insert (<see cref="FraudEventStore.InsertNewAsync"/>): on PostgreSQL a binary COPY, which
/// sends every value as its column's type without naming it, and which cannot skip a stored id, so a group holding one
/// falls back, inside the same transaction, to the insert that reports row by row.
/// </summary>
public sealed class EventStoreTests
{
    [Theory, BothDatabases]
    public async Task Every_column_is_stored_as_sent_with_and_without_its_optional_values(DatabaseProvider provider)
    {
        var (database, connections) = await TestDatabase.CreateMigratedAsync(provider);
        await using var _ = database;
        var merchant = await AddMerchantAsync(connections, "M-STORE-1");
        var berlin = TimeSpan.FromHours(2);
        var full = new TransactionEvent
        {
            MerchantId = merchant,
            EventId = "full-ünïcode-€",
            DeviceId = Guid.NewGuid(),
            StoreId = Guid.NewGuid(),
            // Not UTC, and to the microsecond: stored as the same instant.
            OccurredAt = new DateTimeOffset(2026, 11, 30, 14, 5, 6, berlin).AddTicks(1_234_560),
            ReceivedAt = new DateTimeOffset(2026, 11, 30, 14, 7, 0, berlin).AddTicks(10),
            Type = TransactionType.Refund,
            AmountMinor = 9_007_199_254_740_993, // more than an int, and more than a double holds exactly
            Currency = "JPY",
            CardToken = "tok_full",
            Bin = "535522",
            Last4 = "0042",
            EntryMode = EntryMode.Fallback,
            Result = TransactionResult.Declined,
            ResponseCode = "51",
            Latitude = -33.868820123456789,
            Longitude = 151.20929012345678,
        };
        var bare = new TransactionEvent
        {
            MerchantId = merchant,
            EventId = "bare",
            DeviceId = Guid.NewGuid(),
            OccurredAt = new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero),
            ReceivedAt = new DateTimeOffset(2026, 11, 30, 12, 30, 0, TimeSpan.Zero),
            Currency = "EUR",
            CardToken = "tok_bare",
            Bin = "411111",
            Last4 = "1111",
        };

        var inserted = await InsertAsync(connections, [full, bare]);

        Assert.Equal([true, true], inserted);

        var stored = new Dictionary<string, TransactionEvent>();
        await foreach (var e in new FraudEventStore(connections).StreamAsync(merchant, bare.OccurredAt.AddDays(-1), bare.OccurredAt.AddDays(1), CancellationToken.None))
        {
            stored.Add(e.EventId, e);
        }

        Assert.Equal(2, stored.Count);
        AssertSame(full, stored[full.EventId]);
        AssertSame(bare, stored[bare.EventId]);
    }

    [Theory, BothDatabases]
    public async Task A_group_holding_a_stored_id_stores_the_new_ones_and_its_transaction_goes_on_to_commit(DatabaseProvider provider)
    {
        var (database, connections) = await TestDatabase.CreateMigratedAsync(provider);
        await using var _ = database;
        var merchant = await AddMerchantAsync(connections, "M-STORE-2");
        var at = new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
        var first = await InsertAsync(connections, [Event(merchant, "e-0250", at, amountMinor: 100)]);
        Assert.Equal([true], first);
        // 500 rows (about 100 KB, many of the driver's write buffers) with the stored id in the middle: on PostgreSQL the
        // server refuses the copy while rows are still being sent, the rest is sent anyway and the error read at the end.
        var group = Enumerable.Range(0, 500).Select(i => Event(merchant, $"e-{i:0000}", at.AddSeconds(i), amountMinor: 999)).ToArray();

        await using (var connection = await connections.OpenAsync())
        {
            await using var transaction = await connection.BeginTransactionAsync();
            var inserted = await new FraudEventStore(connections).InsertNewAsync(connection, transaction, group, CancellationToken.None);

            Assert.Equal(Enumerable.Range(0, 500).Select(i => i != 250), inserted);
            // The transaction is usable after the fallback: what the ingest loop writes next (alerts, hits) goes in with it.
            Assert.Equal(500L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM fraud_events", transaction: transaction));
            await connection.ExecuteAsync(
                "INSERT INTO fraud_rule_hits (merchant_id, event_id, rule_id, occurred_at, points, shadow, would_alert, explanation, alert_id) " +
                "VALUES (@merchant, 'e-0001', 'refund-without-sale', @at, 60, @no, @no, 'test', NULL)",
                new { merchant, at, no = false }, transaction);
            await transaction.CommitAsync();
        }

        await using var check = await connections.OpenAsync();
        Assert.Equal(500L, await check.ExecuteScalarAsync<long>("SELECT count(*) FROM fraud_events"));
        Assert.Equal(1L, await check.ExecuteScalarAsync<long>("SELECT count(*) FROM fraud_rule_hits"));
        // The stored row is kept as it was, not overwritten by the re-sent one.
        Assert.Equal(100L, await check.ExecuteScalarAsync<long>(
            "SELECT amount_minor FROM fraud_events WHERE merchant_id = @merchant AND event_id = 'e-0250'", new { merchant }));
        Assert.Equal(499L * 999, await check.ExecuteScalarAsync<long>(
            "SELECT sum(amount_minor) FROM fraud_events WHERE merchant_id = @merchant AND event_id <> 'e-0250'", new { merchant }));
    }

    private static void AssertSame(TransactionEvent expected, TransactionEvent actual)
    {
        Assert.Equal(expected.MerchantId, actual.MerchantId);
        Assert.Equal(expected.EventId, actual.EventId);
        Assert.Equal(expected.DeviceId, actual.DeviceId);
        Assert.Equal(expected.StoreId, actual.StoreId);
        Assert.Equal(expected.OccurredAt.UtcTicks, actual.OccurredAt.UtcTicks);
        Assert.Equal(expected.ReceivedAt.UtcTicks, actual.ReceivedAt.UtcTicks);
        Assert.Equal(expected.Type, actual.Type);
        Assert.Equal(expected.AmountMinor, actual.AmountMinor);
        Assert.Equal(expected.Currency, actual.Currency);
        Assert.Equal(expected.CardToken, actual.CardToken);
        Assert.Equal(expected.Bin, actual.Bin);
        Assert.Equal(expected.Last4, actual.Last4);
        Assert.Equal(expected.EntryMode, actual.EntryMode);
        Assert.Equal(expected.Result, actual.Result);
        Assert.Equal(expected.ResponseCode, actual.ResponseCode);
        Assert.Equal(expected.Latitude, actual.Latitude);
        Assert.Equal(expected.Longitude, actual.Longitude);
    }

    private static TransactionEvent Event(Guid merchant, string eventId, DateTimeOffset at, long amountMinor) => new()
    {
        MerchantId = merchant,
        EventId = eventId,
        DeviceId = merchant,
        OccurredAt = at,
        ReceivedAt = at,
        AmountMinor = amountMinor,
        Currency = "EUR",
        CardToken = "tok_" + eventId,
        Bin = "411111",
        Last4 = "1111",
    };

    /// <summary>One group through the ingest path's own insert, in its own transaction, as the ingest loop writes it.</summary>
    private static async Task<bool[]> InsertAsync(IDbConnectionFactory connections, IReadOnlyList<TransactionEvent> events)
    {
        await using var connection = await connections.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var inserted = await new FraudEventStore(connections).InsertNewAsync(connection, transaction, events, CancellationToken.None);
        await transaction.CommitAsync();
        return inserted;
    }

    private static async Task<Guid> AddMerchantAsync(IDbConnectionFactory connections, string number)
    {
        var id = Guid.NewGuid();
        var at = DateTimeOffset.UtcNow;
        await using var connection = await connections.OpenAsync();
        await connection.ExecuteAsync(
            """
            INSERT INTO merchants (id, merchant_number, name, country, pci_level, saq_type, created_at, updated_at)
            VALUES (@id, @number, @number, 'DE', 4, 'B-IP', @at, @at)
            """, new { id, number, at });
        return id;
    }
}
