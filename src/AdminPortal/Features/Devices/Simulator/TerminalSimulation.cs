using AdminPortal.Features.Devices.Enrollment;
using AdminPortal.Features.Merchants;
using AdminPortal.Features.Merchants.Access;

namespace AdminPortal.Features.Devices.Simulator;

/// <param name="TransactionsPerCheckIn">Ordinary transactions each terminal reports per round (0: none).</param>
/// <param name="FraudRate">Probability per batch of one injected fraud pattern (card testing, card velocity, refund without sale).</param>
/// <param name="InstallFailureRate">Probability that an install the patch policy asks for fails.</param>
public sealed record SimulationSettings(
    Guid MerchantId, Guid StoreId, int Count, string SerialPrefix, double TamperRate = 0.01, double RoamRate = 0.01, int? IntervalSeconds = null,
    int TransactionsPerCheckIn = 0, double FraudRate = 0, string Currency = "EUR", double InstallFailureRate = 0);

/// <summary>
/// A fleet of <see cref="SimulatedTerminal"/>s against a portal's device API. Codes are made in-process (the simulator
/// runs as a portal sub-command beside the database); everything else goes over HTTP like a real terminal.
/// </summary>
public sealed class TerminalSimulation(EnrollmentCodes codes, MerchantDirectory merchants)
{
    public async Task<IReadOnlyList<SimulatedTerminal>> EnrollAsync(HttpClient http, SimulationSettings settings, CancellationToken ct)
    {
        var store = (await merchants.ListStoresAsync(settings.MerchantId, ct)).FirstOrDefault(s => s.Id == settings.StoreId)
            ?? throw new KeyNotFoundException("The store was not found.");
        var created = await codes.CreateAsync(new AccessScope(null, true, []), new DeviceActor(null, "terminal simulator"),
            settings.MerchantId, settings.StoreId, settings.Count, 1, ct);
        var random = new Random();
        var terminals = new List<SimulatedTerminal>();
        for (var i = 0; i < created.Count; i++)
        {
            var terminal = new SimulatedTerminal(http, $"{settings.SerialPrefix}{i + 1:00000}", store.Latitude, store.Longitude, new Random(random.Next()));
            await terminal.EnrollAsync(created[i].Code, ct);
            terminals.Add(terminal);
        }

        return terminals;
    }

    /// <summary>One check-in of every terminal, then its transactions since the last round, concurrently (as a fleet does).</summary>
    public static Task RoundAsync(IEnumerable<SimulatedTerminal> terminals, SimulationSettings settings, CancellationToken ct) =>
        Task.WhenAll(terminals.Select(async t =>
        {
            await t.CheckInAsync(settings.TamperRate, settings.RoamRate, ct, settings.InstallFailureRate);
            await t.SendTransactionsAsync(settings.TransactionsPerCheckIn, settings.FraudRate, settings.Currency, ct);
        }));

    /// <summary>Checks in every interval until <paramref name="rounds"/> rounds are done or the token is cancelled.</summary>
    public static async Task RunAsync(IReadOnlyList<SimulatedTerminal> terminals, SimulationSettings settings, int rounds, TextWriter log, CancellationToken ct)
    {
        for (var round = 1; round <= rounds && !ct.IsCancellationRequested; round++)
        {
            await RoundAsync(terminals, settings, ct);
            var live = terminals.Count(t => !t.Decommissioned);
            await log.WriteLineAsync($"round {round}: {live} terminals checked in, {terminals.Count(t => t.Locked)} locked, {terminals.Sum(t => t.CommandsObeyed)} commands obeyed, " +
                $"{terminals.Sum(t => t.TransactionsAccepted)} transactions reported, " +
                $"{terminals.Sum(t => t.InstallsSucceeded)} installs ({terminals.Sum(t => t.InstallsFailed)} failed)");
            if (round < rounds)
            {
                var interval = settings.IntervalSeconds ?? terminals.FirstOrDefault()?.NextCheckInSeconds ?? 300;
                await Task.Delay(TimeSpan.FromSeconds(interval), ct);
            }
        }
    }
}
