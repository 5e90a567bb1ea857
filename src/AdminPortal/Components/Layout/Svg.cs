using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;

namespace AdminPortal.Components.Layout;

/// <summary>
/// A MudBlazor icon (its SVG path data from <c>Icons.Material…</c>) as plain markup with MudIcon's own classes. The
/// shell draws its icons this way rather than with a MudIcon component each: every component instance stays in the
/// circuit for as long as the tab is open (its parameters, two render-tree buffers), and the shell is in every tab.
/// </summary>
public static class Svg
{
    public static RenderFragment Icon(string pathData, string size = "medium", string? extraClass = null) => builder =>
    {
        builder.OpenElement(0, "svg");
        builder.AddAttribute(1, "class", extraClass is null ? $"mud-icon-root mud-svg-icon mud-icon-size-{size}" : $"mud-icon-root mud-svg-icon mud-icon-size-{size} {extraClass}");
        builder.AddAttribute(2, "focusable", "false");
        builder.AddAttribute(3, "viewBox", "0 0 24 24");
        builder.AddAttribute(4, "aria-hidden", "true");
        builder.AddMarkupContent(5, pathData);
        builder.CloseElement();
    };
}
