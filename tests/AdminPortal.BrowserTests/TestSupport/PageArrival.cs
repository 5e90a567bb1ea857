using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace AdminPortal.BrowserTests.TestSupport;

/// <summary>
/// Waits for the browser to arrive on a page: its URL and a parsed document with the portal's scripts run (they are
/// classic scripts at the end of the body). Not the window's load event, which Playwright's default waits for: in one CI
/// run the URL had matched and the network was idle, yet "load" was not seen for 15 s. Every later step waits for the
/// element it needs anyway.
/// </summary>
public static class PageArrival
{
    private static readonly PageWaitForURLOptions Parsed = new() { WaitUntil = WaitUntilState.DOMContentLoaded };

    public static Task WaitForArrivalAsync(this IPage page, string glob) => page.WaitForURLAsync(glob, Parsed);

    public static Task WaitForArrivalAsync(this IPage page, Regex pattern) => page.WaitForURLAsync(pattern, Parsed);

    public static Task WaitForArrivalAsync(this IPage page, Func<string, bool> predicate) => page.WaitForURLAsync(predicate, Parsed);

    public static Task WaitForArrivalAsync(this IPage page, string glob, float timeoutMs) =>
        page.WaitForURLAsync(glob, new() { WaitUntil = WaitUntilState.DOMContentLoaded, Timeout = timeoutMs });
}
