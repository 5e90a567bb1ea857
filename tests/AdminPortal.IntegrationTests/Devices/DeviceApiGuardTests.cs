using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using Dapper;

namespace AdminPortal.IntegrationTests.Devices;

/// <summary>Every 4xx path of the device API: what a terminal gets for bad input, and that nothing bad is stored.</summary>
public sealed class DeviceApiGuardTests
{
    [Theory, BothDatabases]
    public async Task Malformed_json_is_400_and_invalid_fields_are_422_each_naming_the_field(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var terminal = await api.EnrollAsync();

        var wrongType = await terminal.SendAsync("/api/v1/devices/checkin",
            new StringContent("""{"osVersion":"A","batteryPercent":"full"}""", Encoding.UTF8, "application/json"));
        var broken = await terminal.SendAsync("/api/v1/devices/checkin", new StringContent("{\"osVersion\":", Encoding.UTF8, "application/json"));
        var invalid = await terminal.PostAsync("/api/v1/devices/checkin", new
        {
            osVersion = "A", firmwareVersion = "B", appVersion = "C", batteryPercent = 140,
            network = new { type = "bluetooth", encrypted = true }, tamper = new { state = "ok" }, location = new { lat = 95.0, lon = 0.0 },
        });
        var badAck = await terminal.AckAsync(Guid.NewGuid(), "done");
        var badEnroll = await api.PostEnrollAsync(new { enrollmentCode = "X", serialNumber = "bad serial!" });

        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        Assert.True(Errors(await DeviceApiHarness.ProblemAsync(wrongType)).ContainsKey("batteryPercent"));
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid.StatusCode);
        Assert.Equal(["batteryPercent", "location.lat", "network.type"], Errors(await DeviceApiHarness.ProblemAsync(invalid)).Keys.Order());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badAck.StatusCode);
        Assert.True(Errors(await DeviceApiHarness.ProblemAsync(badAck)).ContainsKey("status"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badEnroll.StatusCode);
        Assert.Superset(new HashSet<string> { "serialNumber", "model", "osVersion" }, Errors(await DeviceApiHarness.ProblemAsync(badEnroll)).Keys.ToHashSet());
    }

    [Theory, BothDatabases]
    public async Task A_card_number_anywhere_is_refused_and_never_stored_or_logged(DatabaseProvider provider)
    {
        const string pan = "4111 1111 1111 1111";
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var terminal = await api.EnrollAsync();

        var inDetail = await terminal.PostAsync("/api/v1/devices/checkin", new
        {
            osVersion = "A", firmwareVersion = "B", appVersion = "C", batteryPercent = 50,
            network = new { type = "wifi", encrypted = true }, tamper = new { state = "tampered", detail = $"card {pan} stuck" },
        });
        var escaped = await terminal.SendAsync("/api/v1/devices/checkin",
            new StringContent("""{"osVersion":"\u0034\u0035\u0035\u0036\u0037\u0033\u0037\u0035\u0038\u0036\u0038\u0039\u0039\u0038\u0035\u0035"}""", Encoding.UTF8, "application/json"));
        var inAck = await terminal.PostAsync($"/api/v1/devices/commands/{Guid.NewGuid()}/ack", new { status = "failed", detail = "5555555555554444" });
        var inEnroll = await api.PostEnrollAsync(new { enrollmentCode = "4012888888881881", serialNumber = "SN" });

        foreach (var (response, field) in new[] { (inDetail, "tamper.detail"), (escaped, "osVersion"), (inAck, "detail"), (inEnroll, "enrollmentCode") })
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(Errors(JsonDocument.Parse(text).RootElement).ContainsKey(field), text);
            Assert.DoesNotContain("1111", ProblemText.WithoutTraceId(text));
        }

        await using var connection = await api.Portal.GetService<IDbConnectionFactory>().OpenAsync();
        Assert.Equal(0L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM device_check_ins"));
        Assert.Equal(0L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM audit_log WHERE summary LIKE '%1111%'"));
    }

    [Theory, BothDatabases]
    public async Task Oversized_bodies_get_413_and_a_chatty_device_429(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider, new Dictionary<string, string?>
        {
            ["Devices:RequestsPerMinutePerDevice"] = "4",
            ["Devices:MaxRequestBytes"] = "2048",
        });
        var terminal = await api.EnrollAsync();

        var huge = await terminal.PostAsync("/api/v1/devices/checkin", new { osVersion = new string('x', 5000) });
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            statuses.Add((await terminal.PostAsync("/api/v1/devices/checkin", DeviceApiHarness.CheckInBody())).StatusCode);
        }

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        await DeviceApiHarness.ProblemAsync(huge);
        // The 413 spent one token of four; the bucket refills one token every 15 s.
        Assert.InRange(statuses.Count(s => s == HttpStatusCode.OK), 3, 4);
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }

    [Theory, BothDatabases]
    public async Task The_openapi_document_describes_the_device_api_with_its_bearer_scheme(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);

        var document = await api.Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        using var browser = api.Portal.CreatePortalClient(allowAutoRedirect: true);
        var docsPage = await browser.GetAsync("/api/docs");

        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/devices/enroll", out _));
        Assert.True(paths.TryGetProperty("/api/v1/devices/checkin", out var checkIn));
        Assert.True(paths.TryGetProperty("/api/v1/devices/commands/{id}/ack", out _));
        Assert.False(paths.TryGetProperty("/healthz", out _));
        Assert.Equal("bearer", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("deviceSecret").GetProperty("scheme").GetString());
        Assert.True(checkIn.GetProperty("post").TryGetProperty("security", out _));
        Assert.Equal(HttpStatusCode.OK, docsPage.StatusCode);
    }

    private static Dictionary<string, JsonElement> Errors(JsonElement problem) =>
        problem.GetProperty("errors").EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
}
