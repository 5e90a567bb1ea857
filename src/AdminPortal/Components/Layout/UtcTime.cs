using System.Globalization;
using Microsoft.AspNetCore.Components;

namespace AdminPortal.Components.Layout;

/// <summary>
/// A UTC instant for a table cell, with its date and its time each kept whole, so a narrow column breaks between the two
/// (a plain "2026-12-01 22:03" broke at the date's hyphens and took three lines). Markup rather than a component: a
/// component per row would stay in the circuit for as long as the tab is open.
/// </summary>
public static class UtcTime
{
    /// <param name="seconds">Show seconds (the audit log).</param>
    /// <param name="suffix">Append " UTC"; leave it off where the column's header already says so.</param>
    public static MarkupString Cell(DateTimeOffset at, bool seconds = false, bool suffix = true)
    {
        // Digits, hyphens and colons only: nothing to escape.
        var utc = at.UtcDateTime;
        var time = utc.ToString(seconds ? "HH:mm:ss" : "HH:mm", CultureInfo.InvariantCulture) + (suffix ? " UTC" : "");
        return new MarkupString(
            $"<span class=\"nowrap\">{utc.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}</span> <span class=\"nowrap\">{time}</span>");
    }
}
