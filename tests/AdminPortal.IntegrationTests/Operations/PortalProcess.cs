using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AdminPortal.IntegrationTests.Operations;

/// <summary>
/// The built portal (src/AdminPortal/bin/&lt;configuration&gt;/net10.0/AdminPortal.dll) as a separate process, so that a
/// test can kill it with SIGKILL exactly as an operating system or an orchestrator would.
/// </summary>
public sealed class PortalProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private PortalProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        _process.OutputDataReceived += (_, line) => Keep(line.Data);
        _process.ErrorDataReceived += (_, line) => Keep(line.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public Uri BaseAddress { get; }

    /// <summary>The last lines the process wrote, for a failure message.</summary>
    public string RecentOutput => string.Join(Environment.NewLine, _output);

    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>Starts the portal on <paramref name="port"/> with the given settings and waits until /readyz answers 200.</summary>
    public static async Task<PortalProcess> StartAsync(int port, IReadOnlyDictionary<string, string> settings)
    {
        var binaries = PortalBinaries();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = binaries,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(binaries, "AdminPortal.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.ArgumentList.Add("--environment");
        start.ArgumentList.Add("Production");
        foreach (var (key, value) in settings)
        {
            start.ArgumentList.Add($"--{key}");
            start.ArgumentList.Add(value);
        }

        var portal = new PortalProcess(Process.Start(start)!, new Uri($"http://127.0.0.1:{port}/"));
        using var probe = new HttpClient { BaseAddress = portal.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            if (portal._process.HasExited)
            {
                throw new InvalidOperationException($"The portal exited with {portal._process.ExitCode}:{Environment.NewLine}{portal.RecentOutput}");
            }

            try
            {
                if ((await probe.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK)
                {
                    return portal;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                await portal.DisposeAsync();
                throw new TimeoutException($"The portal did not become ready:{Environment.NewLine}{portal.RecentOutput}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing, queued work in memory is gone.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 50 && _output.TryDequeue(out _))
        {
        }
    }

    internal static string PortalBinaries()
    {
        // tests/AdminPortal.IntegrationTests/bin/<configuration>/net10.0/ → src/AdminPortal/bin/<configuration>/net10.0/
        var testBinaries = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = testBinaries.Parent!.Name;
        var root = testBinaries;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "AdminPortal.sln")))
        {
            root = root.Parent;
        }

        var binaries = Path.Combine(root?.FullName ?? throw new InvalidOperationException("AdminPortal.sln not found above the test binaries."),
            "src", "AdminPortal", "bin", configuration, testBinaries.Name);
        return File.Exists(Path.Combine(binaries, "AdminPortal.dll"))
            ? binaries
            : throw new InvalidOperationException($"Build the portal first: {binaries}/AdminPortal.dll is missing.");
    }
}
