using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AdminPortal.Features.Devices.Api;

namespace AdminPortal.Features.Devices.Simulator;

/// <summary>
/// One simulated terminal speaking the real device API over HTTP: enrolls with a code, checks in, obeys its commands
/// (acknowledging each), follows its effective patch policy (installs in the maintenance window, reports each attempt,
/// stops taking payments when the policy blocks them), now and then reports tampering or wanders away from its store,
/// and takes payments, reporting them as transaction event batches.
/// </summary>
public sealed class SimulatedTerminal(HttpClient http, string serialNumber, double? homeLatitude, double? homeLongitude, Random random)
{
    public string SerialNumber => serialNumber;
    public Guid? DeviceId { get; private set; }
    public bool Locked { get; private set; }

    /// <summary>Wiped or retired: the terminal has no credential any more and stays silent.</summary>
    public bool Decommissioned { get; private set; }

    public int CheckIns { get; private set; }
    public int CommandsObeyed { get; private set; }
    public int NextCheckInSeconds { get; private set; } = 300;

    /// <summary>Transaction events the portal stored as new, and those it recognised as already received (retries).</summary>
    public int TransactionsAccepted { get; private set; }
    public int TransactionsDuplicate { get; private set; }

    /// <summary>Batches whose answer did not arrive (network, 5xx): they are sent again, unchanged, next time.</summary>
    public int BatchesRetried { get; private set; }

    /// <summary>Check-ins whose answer did not arrive: sent again next time with the same Idempotency-Key.</summary>
    public int CheckInsRetried { get; private set; }

    /// <summary>The versions the terminal runs (dotted numbers, as the patch policy compares them).</summary>
    public string OsVersion { get; private set; } = "11";
    public string FirmwareVersion { get; private set; } = "2.1";
    public string AppVersion { get; private set; } = "3.5.1";

    /// <summary>The patch policy of the last check-in answer (null: none applies).</summary>
    public SimulatedPatchPolicy? PatchPolicy { get; private set; }

    /// <summary>The policy's enforcement stops payments until the required versions run.</summary>
    public bool PaymentsBlocked => PatchPolicy?.Enforcement is "blockPayments" or "lock";

    public int InstallsSucceeded { get; private set; }
    public int InstallsFailed { get; private set; }

    /// <summary>The fraud pattern staged in the last new batch, if any.</summary>
    public InjectedPattern? LastInjectedPattern => _traffic.LastPattern;

    private string? _secret;
    private int _battery = 60 + random.Next(40);
    private bool _tampered;
    private bool _roaming;
    private SimulatedLocation? _position;
    private SimulatedTransactionBatch? _unconfirmed;

    // A check-in sent but not answered: the portal may have stored it, so it is resent as it was, under the same key.
    private (CheckInRequest Request, string Key)? _unansweredCheckIn;
    private readonly TransactionTraffic _traffic = new(serialNumber, random);

    // Install attempts not yet acknowledged by a check-in answer: sent (with the same report ids) until one is.
    private readonly List<InstallReportMessage> _unreportedInstalls = [];

    public async Task EnrollAsync(string enrollmentCode, CancellationToken ct)
    {
        var response = await http.PostAsJsonAsync("/api/v1/devices/enroll", new EnrollRequest(
            enrollmentCode, serialNumber, "A920", "PAX", OsVersion, FirmwareVersion, AppVersion), DeviceRequestReader.Json, ct);
        await EnsureAsync(response, "enroll", ct);
        var enrolled = (await response.Content.ReadFromJsonAsync<EnrollResponse>(DeviceRequestReader.Json, ct))!;
        (DeviceId, _secret, NextCheckInSeconds) = (enrolled.DeviceId, enrolled.DeviceSecret, enrolled.CheckInIntervalSeconds);
    }

    /// <summary>
    /// One check-in (with the install attempts since the last one), the acknowledgements of whatever commands it brought,
    /// and the installs its patch policy asks for now; an install fails with probability <paramref name="installFailureRate"/>.
    /// </summary>
    public async Task CheckInAsync(double tamperRate, double roamRate, CancellationToken ct, double installFailureRate = 0)
    {
        if (_secret is null || Decommissioned)
        {
            return;
        }

        var (request, key) = _unansweredCheckIn ??= (NextCheckIn(tamperRate, roamRate), Guid.NewGuid().ToString("D"));
        HttpResponseMessage response;
        try
        {
            response = await SendAsync("/api/v1/devices/checkin", request, ct, key);
        }
        catch (HttpRequestException)
        {
            CheckInsRetried++;
            return;
        }

        if ((int)response.StatusCode >= 500)
        {
            CheckInsRetried++;
            return;
        }

        _unansweredCheckIn = null;
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            Decommissioned = true;
            return;
        }

        await EnsureAsync(response, "check in", ct);
        var answer = (await response.Content.ReadFromJsonAsync<CheckInResponse>(DeviceRequestReader.Json, ct))!;
        _unreportedInstalls.RemoveAll(i => request.Installs?.Contains(i) == true);
        CheckIns++;
        NextCheckInSeconds = answer.NextCheckInSeconds;
        foreach (var command in answer.Commands)
        {
            await ObeyAsync(command, ct);
        }

        FollowPatchPolicy(answer.PatchPolicy, installFailureRate);
    }

    /// <summary>The terminal's state now (battery drains, tampering sticks, it may wander) with the install attempts not yet reported.</summary>
    private CheckInRequest NextCheckIn(double tamperRate, double roamRate)
    {
        _battery = Math.Max(5, _battery - random.Next(3));
        _tampered |= random.NextDouble() < tamperRate;
        _roaming = random.NextDouble() < roamRate || (_roaming && random.NextDouble() < 0.5);
        var location = homeLatitude is { } lat && homeLongitude is { } lon
            ? new LocationReport(
                Math.Round(lat + (_roaming ? 0.5 : random.NextDouble() * 0.0005), 6), Math.Round(lon + (_roaming ? 0.5 : 0), 6), 15 + random.Next(30))
            : null;
        _position = location is null ? null : new SimulatedLocation(location.Lat!.Value, location.Lon!.Value);
        var installs = _unreportedInstalls.ToList();
        return new CheckInRequest(OsVersion, FirmwareVersion, AppVersion, _battery, new NetworkReport("wifi", true), location,
            new TamperReport(_tampered ? "tampered" : "ok", _tampered ? "simulated case-open switch" : null), new SecurityReport(false, true),
            installs.Count == 0 ? null : installs);
    }

    /// <summary>
    /// Does what the effective policy says: inside the maintenance window, installs each component the policy names (the
    /// policy only names them for terminals in the rollout rings reached so far) and keeps a report of every attempt for
    /// the next check-in. Outside the window it waits.
    /// </summary>
    private void FollowPatchPolicy(object? policy, double installFailureRate)
    {
        PatchPolicy = policy is JsonElement { ValueKind: JsonValueKind.Object } json
            ? json.Deserialize<SimulatedPatchPolicy>(DeviceRequestReader.Json)
            : null;
        if (PatchPolicy is not { Install.Count: > 0, Window.OpenNow: true } due)
        {
            return;
        }

        foreach (var instruction in due.Install)
        {
            var failed = random.NextDouble() < installFailureRate;
            if (failed)
            {
                InstallsFailed++;
            }
            else
            {
                InstallsSucceeded++;
                switch (instruction.Component)
                {
                    case "os": OsVersion = instruction.MinimumVersion; break;
                    case "firmware": FirmwareVersion = instruction.MinimumVersion; break;
                    case "paymentApp": AppVersion = instruction.MinimumVersion; break;
                }
            }

            _unreportedInstalls.Add(new InstallReportMessage(Guid.NewGuid(), instruction.Component, instruction.MinimumVersion,
                failed ? "failed" : "succeeded", failed ? "simulated install failure: verification of the package failed" : "simulated install",
                DateTimeOffset.UtcNow));
        }
    }

    /// <summary>
    /// Reports the payments taken since the last check-in: a new batch of <paramref name="count"/> ordinary transactions
    /// (plus an injected fraud pattern at <paramref name="fraudRate"/>), or — when the last batch got no answer — that
    /// same batch again with the same event ids, so the portal stores each event once. A locked terminal takes no payments.
    /// </summary>
    public async Task SendTransactionsAsync(int count, double fraudRate, string currency, CancellationToken ct)
    {
        if (_secret is null || Decommissioned || Locked || PaymentsBlocked || (count <= 0 && fraudRate <= 0 && _unconfirmed is null))
        {
            return;
        }

        var batch = _unconfirmed ??= _traffic.NextBatch(count, fraudRate, currency, _position, DateTimeOffset.UtcNow,
            TimeSpan.FromSeconds(Math.Min(NextCheckInSeconds, 300)));
        if (batch.Events.Count == 0)
        {
            _unconfirmed = null;
            return;
        }

        HttpResponseMessage response;
        try
        {
            response = await SendAsync("/api/v1/transactions", batch, ct);
        }
        catch (HttpRequestException)
        {
            // The answer was lost: the portal may or may not have stored the batch. Keep it for the next round.
            BatchesRetried++;
            return;
        }

        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            Decommissioned = true;
            return;
        }

        if ((int)response.StatusCode >= 500)
        {
            BatchesRetried++;
            return;
        }

        await EnsureAsync(response, "report transactions", ct);
        var answer = (await response.Content.ReadFromJsonAsync<SimulatedBatchAnswer>(DeviceRequestReader.Json, ct))!;
        TransactionsAccepted += answer.Accepted;
        TransactionsDuplicate += answer.Duplicates;
        _unconfirmed = null;
    }

    private async Task ObeyAsync(CommandMessage command, CancellationToken ct)
    {
        switch (command.Type)
        {
            case "lock": Locked = true; break;
            case "unlock": Locked = false; break;
            case "wipe" or "retire": _tampered = false; break;
        }

        var ack = await SendAsync($"/api/v1/devices/commands/{command.Id}/ack", new AckRequest("succeeded", $"simulated {command.Type}"), ct);
        await EnsureAsync(ack, $"acknowledge {command.Type}", ct);
        CommandsObeyed++;
        if (command.Type is "wipe" or "retire")
        {
            Decommissioned = true;
            _secret = null;
        }
    }

    private Task<HttpResponseMessage> SendAsync<T>(string path, T body, CancellationToken ct, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, options: DeviceRequestReader.Json) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _secret);
        if (idempotencyKey is not null)
        {
            request.Headers.Add(DeviceRequestValidation.IdempotencyKeyHeader, idempotencyKey);
        }

        return http.SendAsync(request, ct);
    }

    private async Task EnsureAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException(
                $"Terminal {serialNumber} could not {what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        }
    }
}

/// <summary>The parts of the check-in's <c>patchPolicy</c> a terminal acts on.</summary>
public sealed record SimulatedPatchPolicy(
    Guid PolicyId, IReadOnlyList<SimulatedInstallInstruction> Install, SimulatedWindow Window, string Enforcement, string Compliance,
    SimulatedRing Ring);

public sealed record SimulatedInstallInstruction(string Component, string MinimumVersion);

public sealed record SimulatedWindow(bool OpenNow);

public sealed record SimulatedRing(int RingNumber, decimal RingPercent, bool DeviceInRing, bool Halted);
