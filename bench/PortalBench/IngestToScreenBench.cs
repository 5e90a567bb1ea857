using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AdminPortal.Features.Accounts.Sessions;
using Microsoft.Playwright;

namespace PortalBench;

/// <summary>
/// <c>ingest-to-screen --db sqlite|postgres [--trials 20]</c>: how long after a transaction batch is acknowledged (202)
/// its alert shows on an analyst's open fraud queue page in Chromium.
/// </summary>
public static class IngestToScreenBench
{
    private const string Heading = "## Fraud: ingest to screen";

    private const string Introduction =
        """
        A platform admin's fraud queue (`/fraud`) open in headless Chromium (Playwright, `/usr/bin/chromium`; the session is
        minted through the portal's own session store, as in the browser tests). Each trial posts a batch of five small
        declined attempts from a fresh terminal (the card-testing rule opens an alert) to `POST /api/v1/transactions`, and
        times from the 202 to the moment the alert's row (found by its card's unique last four digits) is in the page. The
        portal runs inside the bench process here (Development environment, for the static assets; Kestrel on loopback).
        Target: < 1 s.
        """;

    private static readonly string[] Columns = ["date (UTC)", "database", "trials", "p50", "p95", "max", "load avg before → after", "machine", "command"];

    public static async Task<int> RunAsync(string[] args, Options options)
    {
        var trials = options.Int("trials", 20);
        await using var database = await BenchDatabase.CreateAsync(options.Get("db", "sqlite"), "ingest", options.Get("postgres"));
        database.Keep = options.Flag("keep");
        Console.WriteLine($"Database: {database.Label}. Seeding merchants and stores, then {trials} terminals…");
        await PortalProcess.RunCommandAsync(database, "seed-demo");
        var terminals = await BenchDevices.InsertAsync(database, trials, withSecrets: true, serialPrefix: "BENCHITS");

        await using var portal = InProcessPortal.Start(database);
        var token = await portal.SignedInAdminSessionAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = portal.BaseAddress.ToString() });
        await context.AddCookiesAsync([new Microsoft.Playwright.Cookie
        {
            Name = SessionCookie.Name, Value = token, Domain = portal.BaseAddress.Host, Path = "/", HttpOnly = true, SameSite = SameSiteAttribute.Strict,
        }]);
        var page = await context.NewPageAsync();
        await page.GotoAsync("fraud");
        await page.GetByTestId("live-indicator").WaitForAsync();
        // The queue (the page's interactive island) subscribes to new alerts before its first interactive render, which
        // marks the page interactive; the prerendered table alone does not mean it listens yet.
        await page.WaitForFunctionAsync("() => document.documentElement.dataset.interactive === 'true'");
        await page.Locator("table").First.WaitForAsync();
        await Task.Delay(1000);

        using var http = new HttpClient { BaseAddress = portal.BaseAddress };
        var latencies = new Latencies();
        var loadBefore = Report.LoadAverage();
        for (var i = 0; i < trials; i++)
        {
            var last4 = (7000 + i).ToString(Report.Invariant);
            var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/transactions")
            {
                Content = new ByteArrayContent(CardTestingBurst(last4)),
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", terminals[i].Secret);
            var row = page.Locator("td", new() { HasTextString = $"•••• {last4}" });
            if (await row.CountAsync() != 0)
            {
                Console.Error.WriteLine($"A row with card •••• {last4} is on the page before its batch was sent: the measure would be meaningless.");
                return 1;
            }

            using var response = await http.SendAsync(request);
            var acknowledged = Stopwatch.GetTimestamp();
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                Console.Error.WriteLine($"The batch was answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                return 1;
            }

            await row.First.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
            var took = Stopwatch.GetTimestamp() - acknowledged;
            latencies.Add(took);
            Console.WriteLine($"  trial {i + 1}: {Report.Ms(took * 1000.0 / Stopwatch.Frequency)}");
        }

        Console.WriteLine($"Ingest to screen over {trials} trials: p50 {Report.Ms(latencies.Percentile(50))}, p95 {Report.Ms(latencies.Percentile(95))}, " +
                          $"max {Report.Ms(latencies.Percentile(100))}");
        if (!options.Flag("no-record"))
        {
            Report.Append(Heading, Introduction, Columns,
            [
                Report.Now(), database.IsPostgres ? "PostgreSQL" : "SQLite", trials.ToString(Report.Invariant), Report.Ms(latencies.Percentile(50)),
                Report.Ms(latencies.Percentile(95)), Report.Ms(latencies.Percentile(100)), $"{loadBefore:0.0} → {Report.LoadAverage():0.0}",
                Report.Machine(), $"`{Report.Command(args)}`",
            ]);
        }

        return 0;
    }

    // Letters only: a hex GUID can hold a 13-digit run that passes the Luhn check, which the portal refuses as a card number.
    private static readonly string RunId = string.Concat(Enumerable.Range(0, 8).Select(_ => (char)('a' + Random.Shared.Next(26))));

    /// <summary>Five small declined attempts with different cards on one terminal: the card-testing rule's pattern.</summary>
    private static byte[] CardTestingBurst(string last4)
    {
        var now = DateTimeOffset.UtcNow;
        var events = Enumerable.Range(0, 5).Select(i => new
        {
            eventId = $"its-{last4}-{i}-{RunId}",
            occurredAt = now.AddSeconds(i - 5),
            type = "sale",
            amountMinor = 100,
            currency = "EUR",
            cardToken = $"tok_its_{last4}_{i}",
            bin = "411111",
            last4,
            entryMode = "manual",
            result = "declined",
            responseCode = "05",
        });
        return Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { events }));
    }
}
