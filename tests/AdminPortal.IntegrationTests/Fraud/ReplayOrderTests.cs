using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using AdminPortal.Features.Fraud;
using AdminPortal.Features.Fraud.Ingestion;
using AdminPortal.Features.Fraud.Scoring;
using AdminPortal.Infrastructure.Database;
using AdminPortal.IntegrationTests.TestSupport;
using AdminPortal.Testing;
using Dapper;

namespace AdminPortal.IntegrationTests.Fraud;

/// <summary>
/// The state rebuild and the backtester read stored events in arrival order (receive time, then occurred time, then
/// event id) through the receive-time index (migration 0079), and still select the events that occurred since a time.
/// </summary>
public sealed class ReplayOrderTests
{
    /// <summary>A Tuesday 10:00 UTC (11:00 or 12:00 in Berlin), inside store hours, within the accepted age of events.</summary>
    private static DateTimeOffset InStoreHours()
    {
        var day = DateTimeOffset.UtcNow.Date.AddDays(-1);
        while (day.DayOfWeek != DayOfWeek.Tuesday)
        {
            day = day.AddDays(-1);
        }

        return new DateTimeOffset(day.AddHours(10), TimeSpan.Zero);
    }

    [Theory, BothDatabases]
    public async Task After_a_restart_an_offline_terminals_late_upload_counts_as_the_last_thing_it_did_as_it_did_live(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var start = InStoreHours();
        TestTerminal terminal;
        string live;
        await using (var before = new FraudApiHost(database))
        {
            terminal = await before.CreateTerminalAsync("M-REPLAY-1");
            using var client = before.DeviceClient(terminal);
            // The terminal reports 19 chip sales of the afternoon, then, back online, the six keyed sales it took while
            // offline earlier that day. Live, the keyed ones are its latest: the sixth makes 6 keyed in its last 20
            // (30 %, the default limit, not above it).
            var online = await client.PostAsync(Enumerable.Range(0, 19)
                .Select(i => Events.Sale($"chip-{i:00}", start.AddHours(1).AddMinutes(i), cardToken: $"tok_chip_{i:00}")).ToArray());
            var backlog = await client.PostAsync(Enumerable.Range(0, 6)
                .Select(i => Events.Sale($"keyed-{i}", start.AddMinutes(i), cardToken: $"tok_keyed_{i}", entryMode: "manual")).ToArray());
            Assert.Equal(HttpStatusCode.Accepted, online.StatusCode);
            Assert.Equal(HttpStatusCode.Accepted, backlog.StatusCode);
            live = RecentEntryModes(before.Get<FraudEngine>(), terminal);
        }

        Assert.Equal("MMMMMM" + new string('C', 19), live);
        Assert.Equal(0, await KeyedEntryHitsAsync(database));

        await using var after = new FraudApiHost(database);
        using (var client = after.DeviceClient(terminal))
        {
            // A seventh keyed sale: 7 keyed in the last 20 (35 %) if the rebuilt engine, like the live one, has the six
            // keyed sales as the latest; 1 in 20 if it replayed them by occurred time, before the chip sales.
            var next = await client.PostAsync(Events.Sale("keyed-6", start.AddHours(1).AddMinutes(30), cardToken: "tok_keyed_6", entryMode: "manual"));
            Assert.Equal(HttpStatusCode.Accepted, next.StatusCode);
        }

        Assert.Equal("M" + live, RecentEntryModes(after.Get<FraudEngine>(), terminal));
        Assert.Equal(1, await KeyedEntryHitsAsync(database));
    }

    [Theory, BothDatabases]
    public async Task The_replay_selects_what_occurred_since_whatever_its_receipt_and_pages_in_arrival_order(DatabaseProvider provider)
    {
        var (database, connections) = await TestDatabase.CreateMigratedAsync(provider);
        await using var _ = database;
        var merchant = await AddMerchantAsync(connections, "M-REPLAY-2");
        var other = await AddMerchantAsync(connections, "M-REPLAY-3");
        var since = new DateTimeOffset(2026, 11, 2, 12, 0, 0, TimeSpan.Zero);
        var until = since.AddDays(2);
        var skew = TransactionBatchValidator.MaxClockSkew;
        await InsertAsync(connections,
        [
            // Occurred before `since`, received after it (an offline terminal's upload): not part of the period.
            Event(merchant, "occurred-before-since", occurred: since.AddHours(-1), received: since.AddHours(1)),
            // Occurred just after `since` on a terminal whose clock runs ahead, received just before it: part of it.
            Event(merchant, "received-before-since", occurred: since.AddMinutes(5), received: since.AddMinutes(5) - skew),
            // One request: the same receive time, replayed by occurred time, then event id.
            Event(merchant, "request-b", occurred: since.AddHours(1.5), received: since.AddHours(2)),
            Event(merchant, "request-a", occurred: since.AddHours(2), received: since.AddHours(2)),
            Event(merchant, "request-c", occurred: since.AddHours(2), received: since.AddHours(2)),
            // An offline terminal's late upload: occurred early in the period, replayed after what was stored before it.
            Event(merchant, "late-upload", occurred: since.AddMinutes(10), received: since.AddHours(3)),
            // Received at `until`: after the period.
            Event(merchant, "received-at-until", occurred: until.AddMinutes(-1), received: until),
            Event(other, "another-merchant", occurred: since.AddHours(2), received: since.AddHours(2)),
        ]);
        var store = new FraudEventStore(connections);
        string[] expected = ["received-before-since", "request-b", "request-a", "request-c", "late-upload"];

        foreach (var pageSize in new[] { 1, 2, 3, FraudEventStore.StreamPage })
        {
            var streamed = new List<string>();
            await foreach (var e in store.StreamAsync(merchant, since, until, CancellationToken.None, pageSize))
            {
                streamed.Add(e.EventId);
            }

            Assert.Equal(expected, streamed);
        }

        Assert.Equal(expected.Length, await store.CountAsync(merchant, since, until, CancellationToken.None));
    }

    [Theory, BothDatabases]
    public async Task A_portal_upgraded_over_stored_events_replays_them_through_the_new_index(DatabaseProvider provider)
    {
        const string Migration = "0079_fraud_events_received_index.sql";
        await using var database = await TestDatabase.CreateAsync(provider);
        using var behind = await DatabaseOneMigrationBehind.CreateAsync(database, provider, Migration);
        var connections = behind.Connections;
        var merchant = await AddMerchantAsync(connections, "M-REPLAY-6");
        var since = new DateTimeOffset(2026, 11, 2, 12, 0, 0, TimeSpan.Zero);
        await InsertAsync(connections,
        [
            Event(merchant, "stored-first", occurred: since.AddHours(1), received: since.AddHours(1)),
            Event(merchant, "uploaded-late", occurred: since.AddMinutes(30), received: since.AddHours(2)),
        ]);

        var applied = await behind.UpgradeAsync();

        Assert.Equal([Migration], applied);
        var store = new FraudEventStore(connections);
        var streamed = new List<string>();
        await foreach (var e in store.StreamAsync(merchant, since, since.AddDays(1), CancellationToken.None))
        {
            streamed.Add(e.EventId);
        }

        Assert.Equal(["stored-first", "uploaded-late"], streamed);
        Assert.Equal(2, await store.CountAsync(merchant, since, since.AddDays(1), CancellationToken.None));
    }

    /// <summary>
    /// The stream's pages and the backtester's count read a range of the receive-time index, never the merchant's whole
    /// table. A restart replays all of a merchant's 30 days: its pages must not sort them all (SQLite sorts only rows of
    /// equal receive time, PostgreSQL incrementally within them). A backtest's shorter period may be sorted whole when the
    /// planner expects few rows in it: that sorts the period's rows only.
    /// </summary>
    [Theory, BothDatabases]
    public async Task The_stream_and_the_count_read_a_range_of_the_receive_time_index(DatabaseProvider provider)
    {
        var (database, connections) = await TestDatabase.CreateMigratedAsync(provider);
        await using var _ = database;
        var merchant = await AddMerchantAsync(connections, "M-REPLAY-4");
        var other = await AddMerchantAsync(connections, "M-REPLAY-5");
        // 30 days of two merchants' traffic (30,000 events, six pages, and 5,000) in requests of 100 sharing their
        // receive time, occurred up to 2.7 hours before it.
        var now = new DateTimeOffset(2026, 12, 1, 6, 0, 0, TimeSpan.Zero);
        var rows = new List<TransactionEvent>();
        foreach (var (m, events) in new[] { (merchant, 30_000), (other, 5_000) })
        {
            for (var i = 0; i < events; i++)
            {
                var received = now.AddDays(-30).AddMinutes(i / 100 * 30.0 * 24 * 60 * 100 / events);
                rows.Add(Event(m, $"ev-{i:00000}", occurred: received.AddSeconds(-(i % 100) * 97), received: received));
            }
        }

        await InsertAsync(connections, rows);
        await using var connection = await connections.OpenAsync();
        if (provider == DatabaseProvider.Postgres)
        {
            // As autovacuum would have done on a table this size.
            await connection.ExecuteAsync("ANALYZE fraud_events");
        }

        var firstPage = FraudEventStore.StreamSql(after: false, FraudEventStore.StreamPage);
        var nextPage = FraudEventStore.StreamSql(after: true, FraudEventStore.StreamPage);
        var rebuild = Bounds(merchant, since: now - FraudStateRebuilder.Retention, until: now.AddDays(1), after: now.AddDays(-20));
        var backtest = Bounds(merchant, since: now.AddDays(-3), until: now, after: now.AddDays(-2));
        foreach (var (what, sql, parameters, sortsAll) in new[]
                 {
                     ("rebuild, first page", firstPage, rebuild, false),
                     ("rebuild, next page", nextPage, rebuild, false),
                     ("backtest, first page", firstPage, backtest, true),
                     ("backtest, next page", nextPage, backtest, true),
                     ("backtest, count", FraudEventStore.CountSql, backtest, true),
                 })
        {
            var plan = await PlanAsync(connection, provider, sql, parameters);
            Assert.True(plan.Contains("ix_fraud_events_received", StringComparison.Ordinal), $"{what} does not use the index:\n{plan}");
            if (provider == DatabaseProvider.Sqlite)
            {
                // SCAN is a full pass over a table or index, SEARCH a range; a TEMP B-TREE for the whole ORDER BY a full sort.
                Assert.False(Regex.IsMatch(plan, @"\bSCAN\b"), $"{what} scans:\n{plan}");
                Assert.False(plan.Contains("USE TEMP B-TREE FOR ORDER BY", StringComparison.Ordinal), $"{what} sorts every row:\n{plan}");
            }
            else
            {
                Assert.False(plan.Contains("Seq Scan", StringComparison.Ordinal), $"{what} scans:\n{plan}");
                Assert.False(!sortsAll && Regex.IsMatch(plan, @"(?<!Incremental )\bSort\s+\(cost"), $"{what} sorts every row:\n{plan}");
            }
        }
    }

    private static object Bounds(Guid merchantId, DateTimeOffset since, DateTimeOffset until, DateTimeOffset after) => new
    {
        merchantId, since, until, receivedFrom = FraudEventStore.ReceivedFrom(since),
        afterReceived = after, afterOccurred = after.AddHours(-1), afterId = "ev-07000",
    };

    private static async Task<string> PlanAsync(System.Data.Common.DbConnection connection, DatabaseProvider provider, string sql, object parameters)
    {
        if (provider == DatabaseProvider.Sqlite)
        {
            // Rows of (id, parent, notused, detail); the detail names the index each step uses.
            return string.Join('\n', (await connection.QueryAsync("EXPLAIN QUERY PLAN " + sql, parameters))
                .Select(step => (string)((IDictionary<string, object?>)step)["detail"]!));
        }

        return string.Join('\n', await connection.QueryAsync<string>("EXPLAIN " + sql, parameters));
    }

    /// <summary>The terminal's entry modes in the engine, newest first: M manual, F fallback, C anything else.</summary>
    private static string RecentEntryModes(FraudEngine engine, TestTerminal terminal)
    {
        var device = engine.StateOf(terminal.MerchantId).Device(terminal.DeviceId);
        var modes = new StringBuilder();
        var (seen, manual, fallback) = (0, 0, 0);
        for (var sample = 1; sample <= DeviceState.EntryModeCapacity; sample++)
        {
            var next = device.EntryModes(sample);
            if (next.Seen == seen)
            {
                break;
            }

            modes.Append(next.Manual > manual ? 'M' : next.Fallback > fallback ? 'F' : 'C');
            (seen, manual, fallback) = next;
        }

        return modes.ToString();
    }

    private static Task<long> KeyedEntryHitsAsync(TestDatabase database) =>
        IngestionTests.CountAsync(database, "SELECT count(*) FROM fraud_rule_hits WHERE rule_id = 'keyed-entry'");

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

    private static TransactionEvent Event(Guid merchant, string eventId, DateTimeOffset occurred, DateTimeOffset received) => new()
    {
        MerchantId = merchant,
        EventId = eventId,
        DeviceId = merchant,
        OccurredAt = occurred,
        ReceivedAt = received,
        AmountMinor = 1250,
        Currency = "EUR",
        CardToken = "tok_" + eventId,
        Bin = "411111",
        Last4 = "1111",
    };

    // Through the ingest path's own insert, in groups as the ingest loop writes them.
    private static async Task InsertAsync(IDbConnectionFactory connections, IReadOnlyList<TransactionEvent> events)
    {
        var store = new FraudEventStore(connections);
        foreach (var group in events.Chunk(2000))
        {
            await using var connection = await connections.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            Assert.All(await store.InsertNewAsync(connection, transaction, group, CancellationToken.None), Assert.True);
            await transaction.CommitAsync();
        }
    }
}
