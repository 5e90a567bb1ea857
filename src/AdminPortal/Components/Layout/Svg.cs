using System.Collections.Concurrent;
using Microsoft.AspNetCore.Components;

namespace AdminPortal.Components.Layout;

/// <summary>
/// A MudBlazor icon (its SVG path data from <c>Icons.Material…</c>) as plain markup with MudIcon's own classes. The
/// shell draws its icons this way rather than with a MudIcon component each: every component instance stays in the
/// circuit for as long as the tab is open (its parameters, two render-tree buffers), and the shell is in every tab.
/// Each icon's markup is made once per process and shared by all circuits: one render-tree frame per icon.
/// </summary>
public static class Svg
{
    // Keyed by the icon constants and fixed class names the code passes (never by user input), so it stays small.
    private static readonly ConcurrentDictionary<(string PathData, string Size, string? ExtraClass), MarkupString> Markup = new();

    public static MarkupString Icon(string pathData, string size = "medium", string? extraClass = null) =>
        Markup.GetOrAdd((pathData, size, extraClass), key => new MarkupString(
            $"<svg class=\"mud-icon-root mud-svg-icon mud-icon-size-{key.Size}{(key.ExtraClass is null ? "" : " " + key.ExtraClass)}\" " +
            $"focusable=\"false\" viewBox=\"0 0 24 24\" aria-hidden=\"true\">{key.PathData}</svg>"));
}
