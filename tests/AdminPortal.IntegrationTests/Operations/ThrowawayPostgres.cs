using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace AdminPortal.IntegrationTests.Operations;

/// <summary>
/// A PostgreSQL cluster of the test's own, in a temporary folder on a free port, that the test may stop and start (the
/// shared test cluster must never be). Needs PostgreSQL 15's binaries and root (it runs them as the postgres user), as
/// ./test.sh does.
/// </summary>
public sealed class ThrowawayPostgres : IAsyncDisposable
{
    private const string Bin = "/usr/lib/postgresql/15/bin";

    private ThrowawayPostgres(string directory, int port)
    {
        Directory = directory;
        Port = port;
    }

    public string Directory { get; }

    public int Port { get; }

    public string ServerConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Timeout=5";

    public static async Task<ThrowawayPostgres> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"portal-pg-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(directory);
        await RunAsync("chown", "postgres", directory);
        await RunAsync("runuser", "-u", "postgres", "--", $"{Bin}/initdb", "-D", directory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8");
        var cluster = new ThrowawayPostgres(directory, FreePort());
        await cluster.StartAgainAsync();
        return cluster;
    }

    /// <summary>A new database on this cluster; its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using (var server = new NpgsqlConnection(ServerConnectionString))
        {
            await server.OpenAsync();
            await using var create = server.CreateCommand();
            create.CommandText = $"CREATE DATABASE {name}";
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name, Pooling = true }.ConnectionString;
    }

    /// <summary>Stops the server: "fast" disconnects clients and shuts down cleanly; "immediate" is a crash (recovery at start).</summary>
    public Task StopAsync(string mode = "fast") =>
        RunAsync("runuser", "-u", "postgres", "--", $"{Bin}/pg_ctl", "-D", Directory, "-m", mode, "-w", "stop");

    public Task StartAgainAsync() =>
        RunAsync("runuser", "-u", "postgres", "--", $"{Bin}/pg_ctl", "-D", Directory, "-w", "-l", Path.Combine(Directory, "server.log"),
            "-o", $"-p {Port} -c listen_addresses=127.0.0.1 -k {Directory}", "start");

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await StopAsync("immediate");
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await output}{await errors}");
        }
    }
}
