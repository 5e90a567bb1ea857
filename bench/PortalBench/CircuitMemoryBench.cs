using System.Diagnostics;
using System.Net.Sockets;
using AdminPortal.Features.Accounts.Sessions;
using Microsoft.Playwright;

namespace PortalBench;

/// <summary>
/// <c>circuits [--pages 200] [--first 50] [--portal-path fraud] [--portal-wait TESTID|none] [--no-demo-data] [--db sqlite|postgres] [--heap-stat] [--portal-only] [--port 5189]</c>:
/// server memory per live Blazor circuit, a signed-in portal page (the fraud queue unless <c>--portal-path</c> names
/// another, e.g. <c>not-found</c> for the bare shell; <c>--no-demo-data</c> for an empty queue) against a stock
/// <c>dotnet new blazor</c> counter page, in one run. Each app runs as its own process with
/// the GcProbe startup hook, which reports the managed heap after a full collection and the working set.
/// <c>--heap-stat</c> also takes a heap dump (dotnet-dump, a global tool) at both points and prints which types grew
/// per circuit; <c>--portal-only</c> skips the stock page (for such diagnostics; nothing is recorded then).
/// </summary>
public static class CircuitMemoryBench
{
    // Four ports from --port (default 5189): the portal, its probe, the stock app, its probe, so runs of several
    // people on one machine (or a run beside other benches) do not collide.
    private const int DefaultBasePort = 5189;

    private const string Heading = "## Blazor Server memory per live circuit";

    private const string Introduction =
        """
        Each app in its own process (Development environment, for the static assets; workstation/server GC as the app
        configures it), with `bench/GcProbe` loaded by `DOTNET_STARTUP_HOOKS`: it answers on a side port with
        `GC.GetTotalMemory(true)` after two forced, compacting collections, and `Environment.WorkingSet`. Headless Chromium
        (Playwright) opens pages a few at a time, a new browser context every 50 pages (Chromium caps WebSockets per
        context), and waits until each page is interactive: the stock counter page is clicked once and shows "Current
        count: 1"; the portal's fraud queue (a platform admin's real server-side session) shows its alert rows, which only
        the interactive render loads. Per circuit = the slope between 50 open pages and all of them. Target: the portal's
        managed bytes per circuit ≤ 1.5× the stock page's.
        """;

    private static readonly string[] Columns =
        ["date (UTC)", "app", "pages", "managed heap per circuit", "working set per circuit", "managed heap at 50 → all", "portal / stock (managed)", "load avg before → after", "machine", "command"];

    public static async Task<int> RunAsync(string[] args, Options options)
    {
        var pages = options.Int("pages", 200);
        var first = options.Int("first", 50);
        var portalPath = options.Get("portal-path", "fraud").TrimStart('/');
        var heapStat = options.Flag("heap-stat");
        var portalOnly = options.Flag("portal-only");
        var basePort = options.Int("port", DefaultBasePort);
        var (portalPort, portalProbePort, stockPort, stockProbePort) = (basePort, basePort + 1, basePort + 2, basePort + 3);
        // The queue shows its rows only once the interactive render loaded them; other pages need no marker beyond the
        // circuit's WebSocket, which every page waits for.
        var portalWait = options.Get("portal-wait", portalPath == "fraud" && !options.Flag("no-demo-data") ? "alert-link" : "none");
        var probe = Path.Combine(PortalProcess.RepositoryRoot, "bench", "GcProbe", "bin", "Release", "net10.0", "GcProbe.dll");
        var stockDirectory = Path.Combine(PortalProcess.RepositoryRoot, "bench", "StockBlazorCounter");
        var stockAssembly = Path.Combine(stockDirectory, "bin", "Release", "net10.0", "StockBlazorCounter.dll");
        foreach (var file in new[] { probe, stockAssembly })
        {
            if (!File.Exists(file))
            {
                Console.Error.WriteLine($"{file} is missing: dotnet build AdminPortal.sln -c Release builds it.");
                return 1;
            }
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var loadBefore = Report.LoadAverage();

        // The stock page first, in its own process.
        Measurement stock = new(double.NaN, double.NaN, 0, 0);
        if (!portalOnly)
        {
            using (var stockApp = StartStock(stockAssembly, stockDirectory, probe, port: stockPort, probePort: stockProbePort))
            {
                await WaitForAsync($"http://localhost:{stockPort}/");
                stock = await MeasureAsync(browser, $"http://localhost:{stockPort}/", null, pages, first, stockProbePort, heapStat ? stockApp.Id : null, async page =>
                {
                    await page.GotoAsync("counter");
                    var button = page.GetByRole(AriaRole.Button, new() { Name = "Click me" });
                    // Before the circuit is up the click does nothing: click until the count moves.
                    for (var attempt = 0; attempt < 100; attempt++)
                    {
                        await button.ClickAsync();
                        if (await page.GetByText("Current count: 1").CountAsync() > 0 || await page.GetByText("Current count: 2").CountAsync() > 0)
                        {
                            return;
                        }

                        await Task.Delay(100);
                    }

                    throw new TimeoutException("The counter page never became interactive.");
                });
                stockApp.Kill(entireProcessTree: true);
            }

            Console.WriteLine($"stock counter page: {stock}");
        }

        // Then the portal's fraud queue, signed in, over a fresh database with the demo data.
        await using var database = await BenchDatabase.CreateAsync(options.Get("db", "sqlite"), "circuits", options.Get("postgres"));
        if (!options.Flag("no-demo-data"))
        {
            await PortalProcess.RunCommandAsync(database, "seed-demo");
        }

        string token;
        await using (var minting = InProcessPortal.Start(database))
        {
            token = await minting.SignedInAdminSessionAsync();
        }

        Measurement portalFigures;
        await using (var portal = await PortalProcess.StartAsync(database, portalPort, environment: "Development", host: "localhost",
                         variables: ["DOTNET_STARTUP_HOOKS=" + probe, $"GCPROBE_PORT={portalProbePort}", .. options.PortalEnvironment]))
        {
            if (options.Get("screenshots") is { } screenshots)
            {
                await ScreenshotsAsync(browser, portal.BaseUrl + "/", token, screenshots);
            }

            portalFigures = await MeasureAsync(browser, portal.BaseUrl + "/", token, pages, first, portalProbePort, heapStat ? portal.ProcessId : null, async page =>
            {
                // The first render batches arrive after the handshake: the circuit and its components exist by then.
                // Frames are counted from the moment the socket opens, so none is missed.
                var rendered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var frames = 0;
                page.WebSocket += (_, socket) =>
                {
                    if (socket.Url.Contains("_blazor", StringComparison.Ordinal))
                    {
                        socket.FrameReceived += (_, _) =>
                        {
                            if (Interlocked.Increment(ref frames) >= 3)
                            {
                                rendered.TrySetResult();
                            }
                        };
                    }
                };
                await page.GotoAsync(portalPath);
                await rendered.Task.WaitAsync(TimeSpan.FromSeconds(60));

                if (portalWait != "none")
                {
                    await page.GetByTestId(portalWait).First.WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
                }
            });
        }

        var portalName = portalPath == "fraud" && !options.Flag("no-demo-data")
            ? "portal fraud queue, signed in"
            : $"portal /{portalPath}{(options.Flag("no-demo-data") ? " (no demo data)" : "")}, signed in";
        Console.WriteLine($"{portalName}: {portalFigures}");
        var ratio = portalFigures.ManagedPerCircuit / stock.ManagedPerCircuit;
        if (!portalOnly)
        {
            Console.WriteLine($"portal / stock, managed heap per circuit: {ratio:0.00}× (target ≤ 1.5×)");
        }

        if (!options.Flag("no-record") && !portalOnly)
        {
            var (date, machine, command, loadAfter) = (Report.Now(), Report.Machine(), $"`{Report.Command(args)}`", Report.LoadAverage());
            foreach (var (name, m) in new[] { ("stock `dotnet new blazor` counter page", stock), (portalName, portalFigures) })
            {
                Report.Append(Heading, Introduction, Columns,
                [
                    date, name, pages.ToString(Report.Invariant), $"{m.ManagedPerCircuit / 1024:0} KB", $"{m.WorkingSetPerCircuit / 1024:0} KB",
                    $"{m.ManagedFirst / 1048576.0:0.0} → {m.ManagedAll / 1048576.0:0.0} MB ({first} → {pages})", $"{ratio:0.00}×", $"{loadBefore:0.0} → {loadAfter:0.0}", machine, command,
                ]);
            }
        }

        return 0;
    }

    private sealed record Measurement(double ManagedPerCircuit, double WorkingSetPerCircuit, long ManagedFirst, long ManagedAll)
    {
        public override string ToString() =>
            $"{ManagedPerCircuit / 1024:0} KB managed, {WorkingSetPerCircuit / 1024:0} KB working set per circuit " +
            $"(managed {ManagedFirst / 1048576.0:0.0} → {ManagedAll / 1048576.0:0.0} MB)";
    }

    private static async Task<Measurement> MeasureAsync(IBrowser browser, string baseUrl, string? sessionToken, int pages, int first, int probePort,
        int? dumpProcessId, Func<IPage, Task> openInteractive)
    {
        var contexts = new List<IBrowserContext>();
        (long Managed, long WorkingSet) atFirst = default;
        Dictionary<string, (long Count, long Bytes)>? heapAtFirst = null;
        var clock = Stopwatch.StartNew();
        for (var opened = 0; opened < pages;)
        {
            var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl });
            context.SetDefaultTimeout(60_000);
            if (sessionToken is not null)
            {
                await context.AddCookiesAsync([new Microsoft.Playwright.Cookie
                {
                    Name = SessionCookie.Name, Value = sessionToken, Domain = new Uri(baseUrl).Host, Path = "/", HttpOnly = true,
                    SameSite = SameSiteAttribute.Strict,
                }]);
            }

            contexts.Add(context);
            for (var inContext = 0; inContext < 50 && opened < pages; inContext += 5)
            {
                var batch = Math.Min(5, Math.Min(50 - inContext, pages - opened));
                await Task.WhenAll(Enumerable.Range(0, batch).Select(async _ => await openInteractive(await context.NewPageAsync())));
                opened += batch;
                if (opened == first)
                {
                    atFirst = await ProbeAsync(probePort);
                    if (dumpProcessId is { } id)
                    {
                        heapAtFirst = await HeapStatistics.TakeAsync(id);
                    }
                }
            }

            Console.WriteLine($"  {opened} pages open ({clock.Elapsed.TotalSeconds:0} s)");
        }

        var atAll = await ProbeAsync(probePort);
        if (dumpProcessId is { } dumped && heapAtFirst is not null)
        {
            HeapStatistics.PrintGrowth(heapAtFirst, await HeapStatistics.TakeAsync(dumped), pages - first);
        }

        foreach (var context in contexts)
        {
            await context.CloseAsync();
        }

        var circuits = pages - first;
        return new Measurement((atAll.Managed - atFirst.Managed) / (double)circuits, (atAll.WorkingSet - atFirst.WorkingSet) / (double)circuits,
            atFirst.Managed, atAll.Managed);
    }

    /// <summary>
    /// <c>--screenshots DIR</c>: the dashboard and the fraud queue, light and dark, at 1400×900, to look at after a
    /// change to the shell or the queue (the memory figures mean nothing if the pages no longer look right).
    /// </summary>
    private static async Task ScreenshotsAsync(IBrowser browser, string baseUrl, string sessionToken, string directory)
    {
        Directory.CreateDirectory(directory);
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl, ViewportSize = new ViewportSize { Width = 1400, Height = 900 },
        });
        await context.AddCookiesAsync([new Microsoft.Playwright.Cookie
        {
            Name = SessionCookie.Name, Value = sessionToken, Domain = new Uri(baseUrl).Host, Path = "/", HttpOnly = true, SameSite = SameSiteAttribute.Strict,
        }]);
        var page = await context.NewPageAsync();
        foreach (var theme in new[] { "light", "dark" })
        {
            foreach (var (path, name) in new[] { ("", "dashboard"), ("fraud", "fraud-queue") })
            {
                await page.GotoAsync(path);
                await page.EvaluateAsync($"localStorage.setItem('portal-theme', '{theme}')");
                await page.ReloadAsync();
                await page.WaitForFunctionAsync("() => document.documentElement.dataset.interactive === 'true'");
                if (path == "fraud")
                {
                    await page.GetByTestId("alert-link").Or(page.GetByTestId("queue-empty")).First.WaitForAsync();
                }

                await Task.Delay(500);
                var file = Path.Combine(directory, $"{name}-{theme}.png");
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
                Console.WriteLine($"  screenshot {file}");
            }
        }
    }

    private static async Task<(long Managed, long WorkingSet)> ProbeAsync(int port)
    {
        // Let the last renders settle before collecting.
        await Task.Delay(2000);
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        using var reader = new StreamReader(client.GetStream());
        var parts = (await reader.ReadLineAsync())!.Split(' ');
        return (long.Parse(parts[0], Report.Invariant), long.Parse(parts[1], Report.Invariant));
    }

    private static Process StartStock(string assembly, string directory, string probe, int port, int probePort)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { assembly, "--urls", $"http://127.0.0.1:{port}" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["DOTNET_STARTUP_HOOKS"] = probe;
        start.Environment["GCPROBE_PORT"] = probePort.ToString(Report.Invariant);
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitForAsync(string url)
    {
        using var http = new HttpClient();
        for (var i = 0; i < 300; i++)
        {
            try
            {
                using var response = await http.GetAsync(url);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{url} did not answer.");
    }
}
