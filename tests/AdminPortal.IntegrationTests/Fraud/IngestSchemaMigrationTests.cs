using System.Globalization;
using AdminPortal.Infrastructure.Database;
using AdminPortal.IntegrationTests.TestSupport;
using AdminPortal.Testing;
using Dapper;

namespace AdminPortal.IntegrationTests.Fraud;

/// <summary>
/// Migration 0077 trims the ingest tables' indexes: a portal upgraded over stored events must keep every row, still
/// recognise a re-sent event id, and still find an alert's hits through an index.
/// </summary>
public sealed class IngestSchemaMigrationTests
{
    private const string Migration = "0077_fraud_ingest_btrees.sql";

    private static readonly Guid MerchantId = Guid.Parse("7d0f3a52-1111-4c1e-9d2a-5a1b2c3d4e5f");
    private static readonly Guid AlertId = Guid.Parse("019ad7c1-2222-7abc-8def-0123456789ab");

    [Theory, BothDatabases]
    public async Task Upgrading_keeps_every_event_and_hit_and_a_resent_event_is_still_a_duplicate(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        using var behind = await DatabaseOneMigrationBehind.CreateAsync(database, provider, Migration);
        var connections = behind.Connections;
        await SeedAsync(connections);
        var before = await SnapshotAsync(connections);

        var applied = await behind.UpgradeAsync();

        Assert.Equal([Migration], applied);
        Assert.Equal(before, await SnapshotAsync(connections));
        Assert.Equal(2, before.Events.Count);
        Assert.Equal(3, before.Hits.Count);
        await using var connection = await connections.OpenAsync();
        var resent = await connection.ExecuteAsync(
            """
            INSERT INTO fraud_events (merchant_id, event_id, device_id, store_id, occurred_at, received_at, type, amount_minor, currency,
                                      card_token, bin, last4, entry_mode, result, response_code, latitude, longitude)
            VALUES (@MerchantId, 'ev-1', @MerchantId, NULL, @At, @At, 0, 1, 'EUR', 'tok_x', '411111', '0000', 0, 0, NULL, NULL, NULL)
            ON CONFLICT (merchant_id, event_id) DO NOTHING
            """, new { MerchantId, At = DateTimeOffset.UtcNow });
        Assert.Equal(0, resent);
    }

    [Theory, BothDatabases]
    public async Task The_alert_page_still_finds_an_alerts_hits_through_an_index(DatabaseProvider provider)
    {
        var (database, connections) = await TestDatabase.CreateMigratedAsync(provider);
        await using var _ = database;
        await using var connection = await connections.OpenAsync();
        // The shape of AlertQueue.HitsAsync: the partial index (alert_id IS NOT NULL) serves `alert_id = @Id`.
        const string Query =
            """
            SELECT h.event_id, e.amount_minor FROM fraud_rule_hits h
              JOIN fraud_events e ON e.merchant_id = h.merchant_id AND e.event_id = h.event_id
             WHERE h.merchant_id = @MerchantId AND h.alert_id = @AlertId
             ORDER BY h.occurred_at, h.event_id, h.rule_id
            """;
        string plan;
        if (provider == DatabaseProvider.Sqlite)
        {
            // Rows of (id, parent, notused, detail); the detail names the index each step uses.
            plan = string.Join('\n', (await connection.QueryAsync("EXPLAIN QUERY PLAN " + Query, new { MerchantId, AlertId }))
                .Select(step => (string)((IDictionary<string, object?>)step)["detail"]!));
        }
        else
        {
            // Empty tables make a sequential scan the cheapest plan; forbid it to see which index the planner can use.
            await connection.ExecuteAsync("SET enable_seqscan = off");
            plan = string.Join('\n', await connection.QueryAsync<string>("EXPLAIN " + Query, new { MerchantId, AlertId }));
        }

        Assert.Contains("ix_fraud_rule_hits_alert", plan);
    }

    [Fact]
    public async Task On_sqlite_the_unused_card_index_is_gone()
    {
        var (database, connections) = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        await using var _ = database;
        await using var connection = await connections.OpenAsync();

        var indexes = (await connection.QueryAsync<string>(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('fraud_events', 'fraud_rule_hits') ORDER BY name")).ToList();

        Assert.Equal(["ix_fraud_events_received", "ix_fraud_rule_hits_alert", "ix_fraud_rule_hits_rule",
            "sqlite_autoindex_fraud_events_1", "sqlite_autoindex_fraud_rule_hits_1"], indexes);
    }

    [Fact]
    public async Task On_postgres_the_unused_card_index_is_gone()
    {
        var (database, connections) = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Postgres);
        await using var _ = database;
        await using var connection = await connections.OpenAsync();

        var indexes = (await connection.QueryAsync<string>(
            "SELECT indexname FROM pg_indexes WHERE tablename IN ('fraud_events', 'fraud_rule_hits') ORDER BY indexname")).ToList();

        Assert.Equal(["fraud_events_pkey", "fraud_rule_hits_pkey", "ix_fraud_events_received", "ix_fraud_rule_hits_alert", "ix_fraud_rule_hits_rule"], indexes);
    }

    [Fact]
    public async Task On_postgres_inserting_events_and_hits_checks_no_foreign_key_per_row()
    {
        // Migration 0080: the per-row RI check against merchants cost about 40 % of an insert; the ingest loop is the only
        // writer and takes the merchant from the device's credential.
        var (database, connections) = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Postgres);
        await using var _ = database;
        await using var connection = await connections.OpenAsync();

        var foreignKeys = await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conrelid IN ('fraud_events'::regclass, 'fraud_rule_hits'::regclass)");

        Assert.Equal(0L, foreignKeys);
    }

    private static async Task SeedAsync(IDbConnectionFactory connections)
    {
        await using var connection = await connections.OpenAsync();
        var at = new DateTimeOffset(2026, 11, 30, 10, 15, 30, 123, TimeSpan.Zero).AddTicks(4560);
        await connection.ExecuteAsync(
            """
            INSERT INTO merchants (id, merchant_number, name, country, pci_level, saq_type, created_at, updated_at)
            VALUES (@MerchantId, 'M-0077', 'Upgrade GmbH', 'DE', 4, 'B-IP', @at, @at)
            """, new { MerchantId, at });
        await connection.ExecuteAsync(
            """
            INSERT INTO fraud_events (merchant_id, event_id, device_id, store_id, occurred_at, received_at, type, amount_minor, currency,
                                      card_token, bin, last4, entry_mode, result, response_code, latitude, longitude)
            VALUES (@MerchantId, 'ev-1', @device, @store, @at, @received, 0, 1999, 'EUR', 'tok_000000001', '411111', '0001', 1, 0, '00', 52.520008, 13.404954),
                   (@MerchantId, 'ev-2', @device, NULL, @later, @received, 1, 250, 'EUR', 'tok_000000002', '520000', '0002', 3, 1, NULL, NULL, NULL)
            """, new { MerchantId, device = Guid.NewGuid(), store = Guid.NewGuid(), at, later = at.AddSeconds(40), received = at.AddMinutes(1) });
        await connection.ExecuteAsync(
            """
            INSERT INTO fraud_rule_hits (merchant_id, event_id, rule_id, occurred_at, points, shadow, would_alert, explanation, alert_id)
            VALUES (@MerchantId, 'ev-1', 'card-velocity', @at, 40, @no, @yes, 'Card used 6 times within 10 minutes.', @AlertId),
                   (@MerchantId, 'ev-1', 'keyed-ratio', @at, 20, @yes, @yes, 'Shadow rule.', NULL),
                   (@MerchantId, 'ev-2', 'refund-without-sale', @later, 35, @no, @no, 'No sale of this card before the refund.', NULL)
            """, new { MerchantId, AlertId, at, later = at.AddSeconds(40), yes = true, no = false });
    }

    private sealed record Snapshot(IReadOnlyList<string> Events, IReadOnlyList<string> Hits)
    {
        public bool Equals(Snapshot? other) => other is not null && Events.SequenceEqual(other.Events) && Hits.SequenceEqual(other.Hits);

        public override int GetHashCode() => Events.Count ^ Hits.Count;

        public override string ToString() => string.Join('\n', [.. Events, .. Hits]);
    }

    private static async Task<Snapshot> SnapshotAsync(IDbConnectionFactory connections)
    {
        await using var connection = await connections.OpenAsync();
        return new Snapshot(
            await RowsAsync(connection, "SELECT * FROM fraud_events ORDER BY event_id"),
            await RowsAsync(connection, "SELECT * FROM fraud_rule_hits ORDER BY event_id, rule_id"));
    }

    // Every column by name with its stored value, formatted without loss, so a changed type or value shows.
    private static async Task<IReadOnlyList<string>> RowsAsync(System.Data.Common.DbConnection connection, string sql) =>
        (await connection.QueryAsync(sql)).Cast<IDictionary<string, object?>>()
            .Select(row => string.Join("; ", row.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}={Format(c.Value)}")))
            .ToList();

    private static string Format(object? value) => value switch
    {
        null => "NULL",
        DateTime time => time.ToString("O", CultureInfo.InvariantCulture) + "/" + time.Kind,
        DateTimeOffset time => time.ToString("O", CultureInfo.InvariantCulture),
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture) + ":" + value.GetType().Name,
        _ => value + ":" + value.GetType().Name,
    };
}
