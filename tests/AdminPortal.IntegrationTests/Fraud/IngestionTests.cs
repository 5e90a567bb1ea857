using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AdminPortal.Features.Fraud.Ingestion;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using Dapper;

namespace AdminPortal.IntegrationTests.Fraud;

public sealed class IngestionTests
{
    // A Tuesday 10:00 in Berlin: inside store hours, so only the rule under test fires.
    private static DateTimeOffset Now => DateTimeOffset.UtcNow;

    [Theory, BothDatabases]
    public async Task A_batch_is_accepted_and_a_retry_reports_duplicates_without_storing_twice(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var host = new FraudApiHost(database);
        var terminal = await host.CreateTerminalAsync("M-INGEST-1");
        using var client = host.DeviceClient(terminal);
        var events = new[] { Events.Sale("e-1", Now.AddMinutes(-3)), Events.Sale("e-2", Now.AddMinutes(-2)) };

        var first = await client.PostAsync(events);
        var retry = await client.PostAsync([.. events, Events.Sale("e-3", Now.AddMinutes(-1))]);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal("""{"accepted":2,"duplicates":0}""", await first.Content.ReadAsStringAsync());
        Assert.Equal("""{"accepted":1,"duplicates":2}""", await retry.Content.ReadAsStringAsync());
        Assert.Equal(3, await CountAsync(database, "SELECT count(*) FROM fraud_events"));
    }

    [Theory, BothDatabases]
    public async Task Concurrent_retries_of_one_batch_store_each_event_exactly_once(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var host = new FraudApiHost(database);
        var terminal = await host.CreateTerminalAsync("M-INGEST-2");
        using var client = host.DeviceClient(terminal);
        var events = Enumerable.Range(0, 50).Select(i => Events.Sale($"c-{i}", Now.AddSeconds(-i), cardToken: $"tok_card_{i:0000}")).ToArray();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.PostAsync(events)));

        var answers = await Task.WhenAll(responses.Select(r => r.Content.ReadFromJsonAsync<JsonElement>()));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        Assert.Equal(50, answers.Sum(a => a.GetProperty("accepted").GetInt32()));
        Assert.Equal(7 * 50, answers.Sum(a => a.GetProperty("duplicates").GetInt32()));
        Assert.Equal(50, await CountAsync(database, "SELECT count(*) FROM fraud_events"));
    }

    [Theory, BothDatabases]
    public async Task Retries_racing_their_original_in_later_groups_are_each_counted_once(DatabaseProvider provider)
    {
        // Twelve copies of a full batch are more than one group holds (5,000 events), so later groups meet the events an
        // earlier group stored, not only copies within their own group.
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var host = new FraudApiHost(database);
        var terminal = await host.CreateTerminalAsync("M-INGEST-6");
        using var client = host.DeviceClient(terminal);
        var events = Enumerable.Range(0, 500).Select(i => Events.Sale($"g-{i}", Now.AddSeconds(-600 + i), cardToken: $"tok_group_{i:0000}")).ToArray();

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => client.PostAsync(events)));

        var answers = await Task.WhenAll(responses.Select(r => r.Content.ReadFromJsonAsync<JsonElement>()));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        Assert.Equal(500, answers.Sum(a => a.GetProperty("accepted").GetInt32()));
        Assert.Equal(11 * 500, answers.Sum(a => a.GetProperty("duplicates").GetInt32()));
        Assert.Equal(500, await CountAsync(database, "SELECT count(*) FROM fraud_events"));
    }

    [Theory, BothDatabases]
    public async Task An_acknowledged_batch_is_committed_before_the_answer(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var host = new FraudApiHost(database);
        var terminal = await host.CreateTerminalAsync("M-INGEST-3");
        using var client = host.DeviceClient(terminal);

        for (var i = 0; i < 5; i++)
        {
            var response = await client.PostAsync(Events.Sale($"d-{i}", Now.AddSeconds(-10 + i)));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

            // A separate connection (as after a crash) sees the event the moment the 202 arrived.
            Assert.Equal(i + 1, await CountAsync(database, "SELECT count(*) FROM fraud_events"));
        }
    }

    [Theory, BothDatabases]
    public async Task When_the_store_fails_nothing_is_acknowledged_and_a_retry_succeeds_later(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var host = new FraudApiHost(database);
        var terminal = await host.CreateTerminalAsync("M-INGEST-4");
        using var client = host.DeviceClient(terminal);
        await client.PostAsync(Events.Sale("warm-up", Now.AddMinutes(-5)));
        await ExecuteAsync(database, "ALTER TABLE fraud_events RENAME TO fraud_events_gone");

        var failed = await client.PostAsync(Events.Sale("f-1", Now.AddMinutes(-1)));
        await ExecuteAsync(database, "ALTER TABLE fraud_events_gone RENAME TO fraud_events");
        var retried = await client.PostAsync(Events.Sale("f-1", Now.AddMinutes(-1)));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Equal("application/problem+json", failed.Content.Headers.ContentType?.MediaType);
        Assert.Equal("""{"accepted":1,"duplicates":0}""", await retried.Content.ReadAsStringAsync());
    }

    [Theory, BothDatabases]
    public async Task Invalid_events_are_refused_naming_the_field_and_nothing_is_stored(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var host = new FraudApiHost(database);
        var terminal = await host.CreateTerminalAsync("M-INGEST-5");
        using var client = host.DeviceClient(terminal);
        var bad = JsonSerializer.SerializeToNode(Events.Sale("v-2", Now))!;
        bad["currency"] = "euro";
        bad["entryMode"] = "telepathy";

        var invalid = await client.PostAsync(Events.Sale("v-1", Now), bad);
        var tooMany = await client.PostAsync(Enumerable.Range(0, 501).Select(i => Events.Sale($"m-{i}", Now)).ToArray());
        var wrongType = await client.PostAsJsonAsync("/api/v1/transactions", new { events = new[] { new { eventId = "w", amountMinor = "ten" } } });
        // Broken JSON, once without and once with a long digit run: the PAN guard reads the second, the parser the first.
        var brokenPlain = await client.PostAsync("/api/v1/transactions",
            new StringContent("""{"events":[{"eventId":"b-1",}""", System.Text.Encoding.UTF8, "application/json"));
        var brokenDigits = await client.PostAsync("/api/v1/transactions",
            new StringContent("""{"events":[{"eventId":"b-2","amountMinor":12345678901234}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var errors = (await invalid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("events[1].currency", out _));
        Assert.True(errors.TryGetProperty("events[1].entryMode", out _));
        Assert.False(errors.TryGetProperty("events[0].currency", out _));
        Assert.True((await tooMany.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("events", out _));
        Assert.True((await wrongType.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("events[0].amountMinor", out _));
        foreach (var broken in new[] { brokenPlain, brokenDigits })
        {
            Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
            var messages = (await broken.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("$");
            Assert.Equal("The body is not valid JSON.", messages[0].GetString());
        }

        Assert.Equal(0, await CountAsync(database, "SELECT count(*) FROM fraud_events"));
    }

    [Theory, BothDatabases]
    public async Task A_caller_that_is_not_an_authenticated_device_gets_401(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var host = new FraudApiHost(database);
        using var client = host.CreateClient();

        var response = await client.PostAsync(Events.Sale("x", Now));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory, BothDatabases]
    public async Task A_retried_batch_with_rule_hits_writes_its_events_hits_and_alerts_once(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var host = new FraudApiHost(database);
        var terminal = await host.CreateTerminalAsync("M-INGEST-6");
        using var client = host.DeviceClient(terminal);
        // Refunds to cards that made no sale here: each one hits a rule.
        var refunds = Enumerable.Range(0, 3)
            .Select(i => Events.Sale($"r-{i}", Now.AddMinutes(-5 + i), amountMinor: 9_000, cardToken: $"tok_refund_{i:0000}", type: "refund"))
            .ToArray();

        var first = await client.PostAsync(refunds);
        const string RefundHits = "SELECT count(*) FROM fraud_rule_hits WHERE event_id IN ('r-0', 'r-1', 'r-2')";
        var hits = await CountAsync(database, RefundHits);
        const string RefundAlerts = "SELECT count(*) FROM fraud_alerts WHERE card_token IN ('tok_refund_0000', 'tok_refund_0001', 'tok_refund_0002')";
        var alerts = await CountAsync(database, RefundAlerts);
        var retry = await client.PostAsync([Events.Sale("r-new", Now.AddMinutes(-1), cardToken: "tok_refund_9999"), .. refunds]);

        Assert.Equal("""{"accepted":3,"duplicates":0}""", await first.Content.ReadAsStringAsync());
        Assert.Equal("""{"accepted":1,"duplicates":3}""", await retry.Content.ReadAsStringAsync());
        Assert.True(hits >= 3, $"expected a hit per refund, found {hits}");
        Assert.Equal(hits, await CountAsync(database, RefundHits));
        Assert.Equal(alerts, await CountAsync(database, RefundAlerts));
        Assert.Equal(4, await CountAsync(database, "SELECT count(*) FROM fraud_events"));
    }

    [Theory, BothDatabases]
    public async Task A_batch_carrying_one_stored_event_among_new_ones_stores_scores_and_alerts_the_new_ones(DatabaseProvider provider)
    {
        // On PostgreSQL the group's COPY fails on the stored id; the new events must still be stored through the fallback
        // insert, scored, and their hits and alerts committed in the same transaction.
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var host = new FraudApiHost(database);
        var terminal = await host.CreateTerminalAsync("M-INGEST-9");
        using var client = host.DeviceClient(terminal);
        var stored = Events.Sale("s-stored", Now.AddMinutes(-10), cardToken: "tok_stored_0001");
        Assert.Equal("""{"accepted":1,"duplicates":0}""", await (await client.PostAsync(stored)).Content.ReadAsStringAsync());
        // Whatever the stored sale hit when it came (outside store hours, say, depending on the time of day the test
        // runs), the mixed batch must not score it again.
        const string StoredHits = "SELECT count(*) FROM fraud_rule_hits WHERE event_id = 's-stored'";
        var storedHits = await CountAsync(database, StoredHits);
        // Refunds to cards that made no sale here: each one hits a rule worth the alert threshold.
        var refunds = Enumerable.Range(0, 3)
            .Select(i => Events.Sale($"n-{i}", Now.AddMinutes(-5 + i), amountMinor: 9_000, cardToken: $"tok_new_refund_{i:0000}", type: "refund"))
            .ToArray();

        var mixed = await client.PostAsync(refunds[0], stored, refunds[1], refunds[2]);

        Assert.Equal(HttpStatusCode.Accepted, mixed.StatusCode);
        Assert.Equal("""{"accepted":3,"duplicates":1}""", await mixed.Content.ReadAsStringAsync());
        Assert.Equal(4, await CountAsync(database, "SELECT count(*) FROM fraud_events"));
        Assert.Equal(3, await CountAsync(database,
            "SELECT count(DISTINCT event_id) FROM fraud_rule_hits WHERE rule_id = 'refund-without-sale' AND alert_id IS NOT NULL AND event_id IN ('n-0', 'n-1', 'n-2')"));
        Assert.True(await CountAsync(database, "SELECT count(*) FROM fraud_alerts WHERE card_token LIKE 'tok_new_refund_%'") >= 1);
        Assert.Equal(storedHits, await CountAsync(database, StoredHits));
    }

    [Theory, BothDatabases]
    public async Task A_body_of_unknown_length_larger_than_the_first_read_buffer_is_stored_whole(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var host = new FraudApiHost(database);
        var terminal = await host.CreateTerminalAsync("M-INGEST-7");
        using var client = host.DeviceClient(terminal);
        var events = Enumerable.Range(0, 500)
            .Select(i => Events.Sale($"big-batch-event-{i:0000}", Now.AddSeconds(-600 + i), cardToken: $"tok_card_{i:0000}", lat: 52.520008, lon: 13.404954))
            .ToArray();
        var json = JsonSerializer.SerializeToUtf8Bytes(new { events });
        Assert.True(json.Length > 2 * TransactionsEndpoint.InitialBodyBytes, $"the body ({json.Length} bytes) must outgrow the first buffer twice");

        // No Content-Length: the body arrives chunked and the endpoint grows its buffer as it reads.
        using var content = new StreamContent(new MemoryStream(json));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/transactions") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("""{"accepted":500,"duplicates":0}""", await response.Content.ReadAsStringAsync());
        Assert.Equal(500, await CountAsync(database, "SELECT count(*) FROM fraud_events"));
    }

    [Theory, BothDatabases]
    public async Task A_body_larger_than_the_limit_gets_413_whether_its_length_is_declared_or_not(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var host = new FraudApiHost(database);
        var terminal = await host.CreateTerminalAsync("M-INGEST-8");
        using var client = host.DeviceClient(terminal);
        var json = Encoding.UTF8.GetBytes("{\"events\":[" + new string(' ', TransactionsEndpoint.MaxBodyBytes) + "]}");

        using var declared = new ByteArrayContent(json);
        declared.Headers.ContentType = new("application/json");
        var withLength = await client.PostAsync("/api/v1/transactions", declared);
        using var chunked = new StreamContent(new MemoryStream(json));
        chunked.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/transactions") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        var withoutLength = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, withLength.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, withoutLength.StatusCode);
        Assert.Equal(0, await CountAsync(database, "SELECT count(*) FROM fraud_events"));
    }

    internal static async Task<long> CountAsync(TestDatabase database, string sql)
    {
        await using var connection = await database.CreateConnectionFactory().OpenAsync();
        return await connection.ExecuteScalarAsync<long>(sql);
    }

    internal static async Task ExecuteAsync(TestDatabase database, string sql)
    {
        await using var connection = await database.CreateConnectionFactory().OpenAsync();
        await connection.ExecuteAsync(sql);
    }
}
