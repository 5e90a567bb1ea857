using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace AdminPortal.BrowserTests.TestSupport;

/// <summary>
/// Waits for the browser to arrive on a page: its URL and a parsed document with the portal's scripts run (they are
/// classic scripts at the end of the body). Not the window's load event, which Playwright's default waits for: in one CI
/// run the URL had matched and the network was idle, yet "load" was not seen for 15 s. Every later step waits for the
/// element it needs anyway.
/// A navigation that a newer one overtakes (<c>net::ERR_ABORTED</c>) does not end the wait: when a session ends, the
/// page's circuit and its session watch may both send it to sign-in, and Playwright failed the wait on the first of the
/// two (CI run of 2026-12-04) though the second arrived. The wait goes on for the newer navigation, within the same time.
/// </summary>
public static class PageArrival
{
    private const float DefaultTimeoutMs = 15_000; // the context's default (BrowserFixture)

    public static Task WaitForArrivalAsync(this IPage page, string glob) => page.WaitForArrivalAsync(glob, DefaultTimeoutMs);

    public static Task WaitForArrivalAsync(this IPage page, Regex pattern) =>
        ArriveAsync(timeout => page.WaitForURLAsync(pattern, Parsed(timeout)));

    public static Task WaitForArrivalAsync(this IPage page, Func<string, bool> predicate) =>
        ArriveAsync(timeout => page.WaitForURLAsync(predicate, Parsed(timeout)));

    public static Task WaitForArrivalAsync(this IPage page, string glob, float timeoutMs) =>
        ArriveAsync(timeout => page.WaitForURLAsync(glob, Parsed(timeout)), timeoutMs);

    private static PageWaitForURLOptions Parsed(float timeoutMs) => new() { WaitUntil = WaitUntilState.DOMContentLoaded, Timeout = timeoutMs };

    private static async Task ArriveAsync(Func<float, Task> wait, float timeoutMs = DefaultTimeoutMs)
    {
        var giveUpAt = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (true)
        {
            var left = (float)(giveUpAt - DateTime.UtcNow).TotalMilliseconds;
            try
            {
                await wait(Math.Max(left, 1));
                return;
            }
            catch (PlaywrightException ex) when (ex.Message.Contains("net::ERR_ABORTED", StringComparison.Ordinal) && left > 1)
            {
                // Overtaken by a newer navigation: wait for that one.
            }
        }
    }
}
