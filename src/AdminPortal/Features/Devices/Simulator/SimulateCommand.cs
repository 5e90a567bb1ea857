using System.Globalization;
using AdminPortal.Features.Merchants;
using AdminPortal.Infrastructure.CommandLine;

namespace AdminPortal.Features.Devices.Simulator;

/// <summary>
/// <c>simulate --url URL --merchant M --store S [--count N] [--rounds R] [--interval SECONDS] [--tamper-rate P] [--roam-rate P]
/// [--transactions N] [--fraud-rate P] [--currency C] [--install-failure-rate P]</c>: enrolls N simulated terminals through a running portal's device API,
/// checks them in every interval, follows their patch policy and reports their transactions.
/// </summary>
internal sealed class SimulateCommand(TerminalSimulation simulation, MerchantDirectory merchants) : IPortalCommand
{
    public string Name => "simulate";

    public string Summary => "Run simulated terminals against a running portal's device API (--url, --merchant, --store, [--count N], [--rounds R], [--interval S], [--transactions N], [--fraud-rate P]).";

    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken cancellationToken)
    {
        var options = new CommandOptions(args);
        var url = options.Get("url") ?? "http://localhost:5080";
        var merchantKey = options.Require("merchant");
        var storeKey = options.Require("store");
        var merchant = (await merchants.ListMerchantsAsync(cancellationToken)).FirstOrDefault(m =>
                m.Id.ToString().Equals(merchantKey, StringComparison.OrdinalIgnoreCase) || m.Name.Equals(merchantKey, StringComparison.OrdinalIgnoreCase)
                || m.MerchantNumber.Equals(merchantKey, StringComparison.OrdinalIgnoreCase))
            ?? throw new CommandLineException($"No merchant '{merchantKey}'.");
        var store = (await merchants.ListStoresAsync(merchant.Id, cancellationToken)).FirstOrDefault(s =>
                s.Id.ToString().Equals(storeKey, StringComparison.OrdinalIgnoreCase) || s.Name.Equals(storeKey, StringComparison.OrdinalIgnoreCase))
            ?? throw new CommandLineException($"Merchant {merchant.Name} has no store '{storeKey}'.");
        var settings = new SimulationSettings(
            merchant.Id, store.Id, options.GetInt("count", 10, 1, 10_000), options.Get("prefix") ?? $"SIM-{DateTime.UtcNow:HHmmss}-",
            Rate(options, "tamper-rate", 0.01), Rate(options, "roam-rate", 0.01),
            options.Get("interval") is null ? null : options.GetInt("interval", 300, 1, 86_400),
            options.GetInt("transactions", 3, 0, 400), Rate(options, "fraud-rate", 0.02), Currency(options), Rate(options, "install-failure-rate", 0.02));
        var rounds = options.GetInt("rounds", 1_000_000, 1, int.MaxValue);

        using var http = new HttpClient { BaseAddress = new Uri(url) };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        var terminals = await simulation.EnrollAsync(http, settings, stop.Token);
        await output.WriteLineAsync($"Enrolled {terminals.Count} simulated terminals into {merchant.Name} / {store.Name} at {url}. Ctrl+C stops.");
        try
        {
            await TerminalSimulation.RunAsync(terminals, settings, rounds, output, stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            await output.WriteLineAsync("Stopped.");
        }

        return 0;
    }

    private static string Currency(CommandOptions options) =>
        options.Get("currency") is not { } text ? "EUR"
        : text.Length == 3 && text.All(char.IsAsciiLetter) ? text.ToUpperInvariant()
        : throw new CommandLineException("--currency must be a three-letter ISO 4217 code such as EUR.");

    private static double Rate(CommandOptions options, string name, double fallback) =>
        options.Get(name) is not { } text ? fallback
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value is >= 0 and <= 1 ? value
        : throw new CommandLineException($"--{name} must be a probability from 0 to 1.");
}
