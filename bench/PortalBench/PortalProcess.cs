using System.Diagnostics;

namespace PortalBench;

/// <summary>
/// The real portal, built in Release with the bench, run as its own process (so its CPU and memory are its own) on a
/// loopback port against the bench's database. Its console output goes to a log file under /tmp.
/// </summary>
public sealed class PortalProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private PortalProcess(Process process, StreamWriter log, string baseUrl, string logPath)
    {
        _process = process;
        _log = log;
        BaseUrl = baseUrl;
        LogPath = logPath;
    }

    public string BaseUrl { get; }

    public string LogPath { get; }

    public int ProcessId => _process.Id;

    /// <summary>CPU time (user + system) the portal process has used so far.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>
    /// CPU ticks (1/100 s) so far of each of the runtime's tiered-compilation threads, by thread id (from /proc): the
    /// background JIT that re-compiles hot methods for a while after start. The runtime ends an idle one and starts a
    /// new one later, and an ended thread's ticks vanish from /proc, so callers sample this while they measure.
    /// </summary>
    public Dictionary<int, long> TieredCompilationTicks()
    {
        var ticks = new Dictionary<int, long>();
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{_process.Id}/task"))
            {
                try
                {
                    var stat = File.ReadAllText(Path.Combine(task, "stat"));
                    var name = stat[(stat.IndexOf('(') + 1)..stat.LastIndexOf(')')];
                    if (name.StartsWith(".NET Tiered Com", StringComparison.Ordinal))
                    {
                        // Fields after the name: state is the 1st, utime the 12th, stime the 13th.
                        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                        ticks[int.Parse(Path.GetFileName(task), Report.Invariant)] =
                            long.Parse(fields[11], Report.Invariant) + long.Parse(fields[12], Report.Invariant);
                    }
                }
                catch (IOException)
                {
                    // The thread ended meanwhile.
                }
            }
        }
        catch (IOException)
        {
            // Not on Linux, or the process ended.
        }

        return ticks;
    }

    /// <summary>Bytes the portal process has written through write/pwrite so far (<c>wchar</c> in /proc/PID/io): for SQLite, the WAL and checkpoints.</summary>
    public long BytesWritten
    {
        get
        {
            try
            {
                foreach (var line in File.ReadLines($"/proc/{_process.Id}/io"))
                {
                    if (line.StartsWith("wchar:", StringComparison.Ordinal))
                    {
                        return long.Parse(line["wchar:".Length..].Trim(), Report.Invariant);
                    }
                }
            }
            catch (IOException)
            {
                // Not on Linux, or the process ended.
            }
            catch (UnauthorizedAccessException)
            {
                // Not readable here.
            }

            return 0;
        }
    }

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    private static string PortalDirectory => Path.Combine(RepositoryRoot, "src", "AdminPortal");

    private static string PortalAssembly => Path.Combine(PortalDirectory, "bin", "Release", "net10.0", "AdminPortal.dll");

    /// <summary>Runs one of the portal's command-line commands (e.g. <c>seed-demo</c>) against the database.</summary>
    public static async Task RunCommandAsync(BenchDatabase database, params string[] command)
    {
        var start = StartInfo([.. command, .. DatabaseArguments(database)], "Production");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the portal.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{string.Join(' ', command)}' failed ({process.ExitCode}):\n{await output}\n{await errors}");
        }
    }

    /// <summary>Starts the portal and waits until <c>/readyz</c> answers 200 (migrations applied, database reachable).</summary>
    public static async Task<PortalProcess> StartAsync(BenchDatabase database, int port, IEnumerable<string>? settings = null,
        string environment = "Production", string host = "127.0.0.1", IEnumerable<string>? variables = null)
    {
        var baseUrl = $"http://{host}:{port}";
        var arguments = new List<string> { "--urls", $"http://127.0.0.1:{port}" };
        arguments.AddRange(DatabaseArguments(database));
        arguments.AddRange(settings ?? []);
        var logPath = Path.Combine(Path.GetTempPath(), $"portal-bench-{port}-{DateTime.UtcNow:HHmmss}.log");
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var start = StartInfo(arguments, environment);
        foreach (var variable in variables ?? [])
        {
            var (name, value) = (variable.Split('=', 2)[0], variable.Split('=', 2)[1]);
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the portal.");
        process.OutputDataReceived += (_, e) => WriteLine(log, e.Data);
        process.ErrorDataReceived += (_, e) => WriteLine(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var portal = new PortalProcess(process, log, baseUrl, logPath);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(120))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The portal exited with {process.ExitCode}; see {logPath}.");
            }

            try
            {
                using var response = await http.GetAsync($"{baseUrl}/readyz");
                if (response.IsSuccessStatusCode)
                {
                    return portal;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Listening but slow to answer (a loaded machine): ask again until the deadline.
            }

            await Task.Delay(200);
        }

        await portal.DisposeAsync();
        throw new TimeoutException($"The portal did not become ready in 2 minutes; see {logPath}.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }

    private static void WriteLine(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            if (log.BaseStream.CanWrite)
            {
                log.WriteLine(line);
            }
        }
    }

    private static IEnumerable<string> DatabaseArguments(BenchDatabase database) =>
        ["--Database:Provider", database.Provider, "--Database:ConnectionString", database.ConnectionString];

    private static ProcessStartInfo StartInfo(IEnumerable<string> arguments, string environment)
    {
        if (!File.Exists(PortalAssembly))
        {
            throw new FileNotFoundException($"Build the portal in Release first (dotnet run -c Release builds it): {PortalAssembly} is missing.");
        }

        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = PortalDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(PortalAssembly);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The portal's own logging settings apply: the figure includes what production logs.
        start.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        return start;
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AdminPortal.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Run the bench from inside the repository (AdminPortal.sln not found above the binaries).");
    }
}
