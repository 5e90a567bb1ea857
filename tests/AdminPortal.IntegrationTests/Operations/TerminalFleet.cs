using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using AdminPortal.Features.Devices.Api;
using AdminPortal.Infrastructure.Database;
using AdminPortal.IntegrationTests.Fraud;
using Dapper;

namespace AdminPortal.IntegrationTests.Operations;

/// <summary>
/// Terminals that behave as the real ones must under faults: each round a check-in (its tamper detail carries a unique
/// marker and an Idempotency-Key of its own) and a batch of transaction events with their own ids; a request that fails
/// in any way (refused connection, timeout, 5xx) is sent again, unchanged and with the same key, until the portal
/// acknowledges it. Records what was acknowledged, so that the
/// database can be checked against it afterwards.
/// </summary>
public sealed class TerminalFleet(Uri portal, IReadOnlyList<(Guid DeviceId, string Secret)> terminals, int rounds, int eventsPerBatch)
{
    private readonly ConcurrentQueue<string> _ackedCheckIns = new();
    private readonly ConcurrentQueue<string> _ackedEvents = new();
    private int _failures;

    public IReadOnlyCollection<string> AcknowledgedCheckIns => _ackedCheckIns;

    public IReadOnlyCollection<string> AcknowledgedEvents => _ackedEvents;

    /// <summary>Requests that failed and were sent again.</summary>
    public int Failures => _failures;

    public int ExpectedCheckIns => terminals.Count * rounds;

    public int ExpectedEvents => terminals.Count * rounds * eventsPerBatch;

    /// <summary>Runs every terminal to the end of its rounds; fails only on an answer a retry cannot fix (4xx).</summary>
    public Task RunAsync(CancellationToken ct) => Task.WhenAll(terminals.Select(t => RunTerminalAsync(t.DeviceId, t.Secret, ct)));

    private async Task RunTerminalAsync(Guid deviceId, string secret, CancellationToken ct)
    {
        using var client = new HttpClient { BaseAddress = portal, Timeout = TimeSpan.FromSeconds(15) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        var start = DateTimeOffset.UtcNow.AddHours(-2);
        for (var round = 0; round < rounds; round++)
        {
            // A dashed GUID standing alone (":" is no hex or dash): the card-number guards skip it, where 32 bare hex digits may
            // hold a Luhn-valid run of 13+ digits and get the request refused.
            var marker = $"{deviceId:D}:{round}";
            await SendUntilAcknowledgedAsync(client, "/api/v1/devices/checkin", new
            {
                osVersion = "Android 10", firmwareVersion = "FW 1.2", appVersion = "3.4.0", batteryPercent = 80,
                network = new { type = "wifi", encrypted = true },
                tamper = new { state = "ok", detail = marker },
                security = new { rooted = false, p2peKeysLoaded = true },
            }, HttpStatusCode.OK, ct, idempotencyKey: marker);
            _ackedCheckIns.Enqueue(marker);

            var ids = Enumerable.Range(0, eventsPerBatch).Select(i => $"{marker}:{i}").ToList();
            var events = ids.Select((id, i) => Events.Sale(id, start.AddSeconds(round * eventsPerBatch + i), amountMinor: 1000 + i,
                cardToken: CardToken(deviceId))).ToArray();
            await SendUntilAcknowledgedAsync(client, "/api/v1/transactions", new { events }, HttpStatusCode.Accepted, ct);
            foreach (var id in ids)
            {
                _ackedEvents.Enqueue(id);
            }
        }
    }

    private async Task SendUntilAcknowledgedAsync(HttpClient client, string path, object body, HttpStatusCode acknowledged, CancellationToken ct,
        string? idempotencyKey = null)
    {
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
                if (idempotencyKey is not null)
                {
                    request.Headers.Add(DeviceRequestValidation.IdempotencyKeyHeader, idempotencyKey);
                }

                using var response = await client.SendAsync(request, ct);
                if (response.StatusCode == acknowledged)
                {
                    return;
                }

                if ((int)response.StatusCode is >= 400 and < 500 && response.StatusCode != HttpStatusCode.TooManyRequests)
                {
                    throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                // The portal or its database is away: the terminal keeps the request and sends it again.
            }

            Interlocked.Increment(ref _failures);
            await Task.Delay(delay, ct);
            delay = delay < TimeSpan.FromSeconds(1) ? delay * 2 : delay;
        }
    }

    /// <summary>Compares the database with what was acknowledged.</summary>
    public async Task<Verdict> VerifyAsync(IDbConnectionFactory db, Guid merchantId)
    {
        await using var connection = await db.OpenAsync();
        var storedEvents = (await connection.QueryAsync<string>(
            "SELECT event_id FROM fraud_events WHERE merchant_id = @merchantId", new { merchantId })).ToList();
        var storedCheckIns = (await connection.QueryAsync<string>(
            "SELECT tamper_detail FROM device_check_ins WHERE merchant_id = @merchantId AND tamper_detail IS NOT NULL", new { merchantId })).ToList();
        var events = storedEvents.ToHashSet(StringComparer.Ordinal);
        var checkIns = storedCheckIns.ToHashSet(StringComparer.Ordinal);
        return new Verdict(
            LostEvents: _ackedEvents.Count(id => !events.Contains(id)),
            DuplicatedEvents: storedEvents.Count - events.Count,
            StrayEvents: events.Except(_ackedEvents, StringComparer.Ordinal).Count(),
            LostCheckIns: _ackedCheckIns.Count(m => !checkIns.Contains(m)),
            RepeatedCheckIns: storedCheckIns.Count - checkIns.Count);
    }

    /// <summary>
    /// <c>RepeatedCheckIns</c>: check-ins stored more than once. A check-in whose commit succeeded but whose answer never
    /// reached the terminal is resent with the same Idempotency-Key, so it must be zero.
    /// </summary>
    public sealed record Verdict(int LostEvents, int DuplicatedEvents, int StrayEvents, int LostCheckIns, int RepeatedCheckIns);

    /// <summary>Enrolls one terminal per enrollment code through the device API.</summary>
    public static async Task<IReadOnlyList<(Guid DeviceId, string Secret)>> EnrollAsync(HttpClient portal, IEnumerable<string> codes)
    {
        var enrolled = new List<(Guid, string)>();
        var serial = 0;
        foreach (var code in codes)
        {
            var response = await portal.PostAsJsonAsync("/api/v1/devices/enroll", new
            {
                enrollmentCode = code, serialNumber = $"SN-FAULT-{++serial:D4}", model = "A920", manufacturer = "PAX",
                osVersion = "Android 10", firmwareVersion = "FW 1.2", appVersion = "3.4.0",
            });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            var body = (await response.Content.ReadFromJsonAsync<EnrollResponse>())!;
            enrolled.Add((body.DeviceId, body.DeviceSecret));
        }

        return enrolled;
    }

    /// <summary>
    /// A token per terminal with no digits: a GUID's hex now and then holds a Luhn-valid run of 13 or more digits, which the
    /// portal rightly refuses as a card number (it failed a CI run once).
    /// </summary>
    private static string CardToken(Guid deviceId) =>
        "tok_" + string.Concat(deviceId.ToString("N").Select(c => char.IsAsciiDigit(c) ? (char)('g' + (c - '0')) : c));
}
