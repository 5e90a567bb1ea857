using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AdminPortal.Features.Fraud.Ingestion;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using Dapper;

namespace AdminPortal.IntegrationTests.Fraud;

public sealed class PanGuardTests
{
    private const string Pan = "4111111111111111";

    public static TheoryData<DatabaseProvider, string, string> FieldsAndFormats()
    {
        var data = new TheoryData<DatabaseProvider, string, string>();
        foreach (var provider in new[] { DatabaseProvider.Sqlite, DatabaseProvider.Postgres })
        {
            data.Add(provider, "cardToken", Pan);
            data.Add(provider, "eventId", "4111-1111-1111-1111");
            data.Add(provider, "responseCode", "4111 1111 1111 1111");
            data.Add(provider, "bin", Pan);
            data.Add(provider, "currency", "card 4111 1111 1111 1111");
        }

        return data;
    }

    [Theory, MemberData(nameof(FieldsAndFormats))]
    public async Task A_card_number_in_any_field_refuses_the_batch_naming_the_field_and_is_written_nowhere(DatabaseProvider provider, string field, string value)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var host = new FraudApiHost(database);
        var terminal = await host.CreateTerminalAsync("M-PAN-1");
        using var client = host.DeviceClient(terminal);
        var clean = JsonSerializer.SerializeToNode(Events.Sale("ok-1", DateTimeOffset.UtcNow.AddMinutes(-1)))!;
        var dirty = JsonSerializer.SerializeToNode(Events.Sale("ok-2", DateTimeOffset.UtcNow.AddMinutes(-1)))!;
        dirty[field] = value;

        var response = await client.PostAsync(clean, dirty);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await response.Content.ReadAsStringAsync();
        Assert.True(JsonDocument.Parse(problem).RootElement.GetProperty("errors").TryGetProperty($"events[1].{field}", out _));
        Assert.DoesNotContain("1111", ProblemText.WithoutTraceId(problem));
        await AssertWrittenNowhereAsync(database, host);
        Assert.Equal(0, await IngestionTests.CountAsync(database, "SELECT count(*) FROM fraud_events"));
        Assert.Equal(1, await IngestionTests.CountAsync(database, "SELECT count(*) FROM audit_log WHERE action = 'pan.refused' AND outcome = 2"));
    }

    [Theory, BothDatabases]
    public async Task A_card_number_past_the_first_read_buffer_of_a_body_of_unknown_length_is_refused(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var host = new FraudApiHost(database);
        var terminal = await host.CreateTerminalAsync("M-PAN-3");
        using var client = host.DeviceClient(terminal);
        var events = Enumerable.Range(0, 400)
            .Select(i => JsonSerializer.SerializeToNode(Events.Sale($"long-{i:0000}", DateTimeOffset.UtcNow.AddMinutes(-1), cardToken: $"tok_card_{i:0000}"))!)
            .ToArray();
        events[^1]["cardToken"] = Pan;
        var json = JsonSerializer.SerializeToUtf8Bytes(new { events });
        Assert.True(json.Length > TransactionsEndpoint.InitialBodyBytes + 1000, "the card number must lie past the first buffer");

        using var content = new StreamContent(new MemoryStream(json));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/transactions") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.True(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").TryGetProperty("events[399].cardToken", out _));
        Assert.Equal(0, await IngestionTests.CountAsync(database, "SELECT count(*) FROM fraud_events"));
    }

    [Theory, BothDatabases]
    public async Task A_card_number_sent_as_a_json_number_is_refused(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var host = new FraudApiHost(database);
        var terminal = await host.CreateTerminalAsync("M-PAN-2");
        using var client = host.DeviceClient(terminal);
        var body = JsonSerializer.SerializeToNode(new { events = new[] { Events.Sale("n-1", DateTimeOffset.UtcNow) } })!;
        body["events"]![0]!["amountMinor"] = JsonNode(Pan);

        var response = await client.PostAsync("/api/v1/transactions", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("events[0].amountMinor", out _));
        await AssertWrittenNowhereAsync(database, host);
    }

    [Theory, BothDatabases]
    public async Task Tokens_and_numbers_that_are_not_card_numbers_pass(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var host = new FraudApiHost(database);
        var terminal = await host.CreateTerminalAsync("M-PAN-3");
        using var client = host.DeviceClient(terminal);

        var response = await client.PostAsync(
            Events.Sale("41111111111111111113", DateTimeOffset.UtcNow, cardToken: "4111111111111112"),
            Events.Sale("411111111111", DateTimeOffset.UtcNow, cardToken: "tok_411111111111"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private static System.Text.Json.Nodes.JsonNode JsonNode(string digits) => System.Text.Json.Nodes.JsonNode.Parse(digits)!;

    /// <summary>Every text column of every table, and every log line: no trace of the number, in any grouping.</summary>
    private static async Task AssertWrittenNowhereAsync(TestDatabase database, FraudApiHost host)
    {
        await using var connection = await database.CreateConnectionFactory().OpenAsync();
        var tables = database.Provider == DatabaseProvider.Sqlite
            ? await connection.QueryAsync<string>("SELECT name FROM sqlite_master WHERE type = 'table'")
            : await connection.QueryAsync<string>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");
        var dump = new StringBuilder();
        foreach (var table in tables)
        {
            foreach (IDictionary<string, object?> row in await connection.QueryAsync($"SELECT * FROM {table}"))
            {
                dump.AppendJoin('|', row.Values).AppendLine();
            }
        }

        Assert.DoesNotContain(Pan, Squeeze(dump.ToString()));
        Assert.Contains("pan.refused", dump.ToString());
        Assert.DoesNotContain(Pan, Squeeze(host.Logs.All));
        Assert.Contains(host.Logs.Lines, line => line.Contains("primary account number", StringComparison.Ordinal));
    }

    private static string Squeeze(string text) => text.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
}
