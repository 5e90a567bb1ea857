using System.Diagnostics;
using System.Text.Json;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;

namespace AdminPortal.IntegrationTests.Operations;

/// <summary>The built portal executable's command line, run as an operator runs it (a separate process, Production).</summary>
public sealed class CommandLineTests
{
    private static readonly Dictionary<string, string> NoSettings = [];

    [Fact]
    public async Task Help_lists_every_command_with_one_line_each()
    {
        var (exit, output) = await RunPortalAsync(["--help"], NoSettings);

        Assert.Equal(0, exit);
        foreach (var command in new[] { "serve", "migrate", "seed-demo", "create-admin", "export-saq", "enrollment-code create", "simulate" })
        {
            Assert.Contains($"  {command} ", output);
        }
    }

    [Theory, BothDatabases]
    public async Task Migrate_creates_the_schema_of_an_empty_database_says_so_and_logs_json_lines(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var settings = database.Settings.ToDictionary(s => s.Key, s => s.Value!);

        var (first, firstOutput) = await RunPortalAsync(["migrate"], settings);
        var (second, secondOutput) = await RunPortalAsync(["migrate"], settings);

        Assert.Equal(0, first);
        Assert.Contains($"The {provider} database is up to date", firstOutput);
        // Outside Development the logs are JSON lines: each migration applied is one parseable entry.
        var applied = firstOutput.Split('\n').Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("Message").GetString()!.StartsWith("Applied migration", StringComparison.Ordinal)).ToList();
        Assert.Contains(applied, e => e.GetProperty("Message").GetString()!.Contains("0001_merchants_and_stores.sql"));
        Assert.Equal(0, second);
        Assert.DoesNotContain("Applied migration", secondOutput);
    }

    [Fact]
    public async Task An_unknown_command_exits_2_and_shows_the_list()
    {
        var (exit, output) = await RunPortalAsync(["no-such-command"], NoSettings);

        Assert.Equal(2, exit);
        Assert.Contains("Unknown command 'no-such-command'", output);
        Assert.Contains("  migrate ", output);
    }

    private static async Task<(int Exit, string Output)> RunPortalAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string> settings)
    {
        var binaries = PortalProcess.PortalBinaries();
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = binaries, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(binaries, "AdminPortal.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.ArgumentList.Add("--environment");
        start.ArgumentList.Add("Production");
        foreach (var (key, value) in settings)
        {
            start.ArgumentList.Add($"--{key}");
            start.ArgumentList.Add(value);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
