using System.Text;
using System.Text.RegularExpressions;
using AdminPortal.Components.Layout;
using AdminPortal.Tests.TestSupport;
using Bunit;
using MudBlazor;

namespace AdminPortal.Tests.Shell;

/// <summary>
/// The portal's theme is a static stylesheet (wwwroot/css/theme.css) rather than a MudThemeProvider in every circuit:
/// the provider rendered its whole CSS into each open tab's render tree. This test keeps the file equal to what
/// MudThemeProvider generates for <see cref="PortalTheme"/>: the light palette on :root, the dark one on
/// html[data-theme=dark]. After changing PortalTheme, regenerate the file with
/// <c>PORTAL_WRITE_THEME_CSS=1 dotnet test tests/AdminPortal.Tests --filter ThemeStylesheet</c> and look at the pages.
/// </summary>
public sealed partial class ThemeStylesheetTests : PortalComponentTest
{
    [Fact]
    public void The_theme_stylesheet_is_what_MudBlazor_generates_for_the_portal_theme()
    {
        var expected = Generate();
        var path = Path.Combine(RepositoryRoot(), "src", "AdminPortal", "wwwroot", "css", "theme.css");
        if (Environment.GetEnvironmentVariable("PORTAL_WRITE_THEME_CSS") == "1")
        {
            File.WriteAllText(path, expected);
        }

        Assert.True(File.Exists(path), $"{path} is missing: run this test with PORTAL_WRITE_THEME_CSS=1 to write it.");
        Assert.True(expected == File.ReadAllText(path),
            "src/AdminPortal/wwwroot/css/theme.css differs from the theme MudBlazor generates for PortalTheme: run this test with PORTAL_WRITE_THEME_CSS=1 to regenerate it.");
    }

    [Fact]
    public void Dark_mode_changes_the_palette_and_keeps_the_layout()
    {
        var css = Generate();
        var dark = css[css.IndexOf("html[data-theme=\"dark\"]", StringComparison.Ordinal)..];

        Assert.Contains("--mud-palette-primary: rgba(30,78,140,1)", css[..css.IndexOf("html[data-theme=\"dark\"]", StringComparison.Ordinal)], StringComparison.OrdinalIgnoreCase);
        Assert.Contains("--mud-palette-primary: rgba(110,168,254,1)", dark, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("--mud-drawer-width-left: 248px", css, StringComparison.Ordinal);
        Assert.DoesNotContain("--mud-drawer-width-left", dark, StringComparison.Ordinal);
    }

    private string Generate()
    {
        var light = Declarations(StyleOf(isDarkMode: false));
        var dark = Declarations(StyleOf(isDarkMode: true));
        var css = new StringBuilder();
        css.Append("/* Generated from PortalTheme by MudBlazor's MudThemeProvider (tests/AdminPortal.Tests/Shell/ThemeStylesheetTests.cs):\n");
        css.Append("   regenerate with PORTAL_WRITE_THEME_CSS=1 dotnet test tests/AdminPortal.Tests --filter ThemeStylesheet */\n");
        css.Append(":root {\n");
        foreach (var (name, value) in light)
        {
            css.Append("  ").Append(name).Append(": ").Append(value).Append(";\n");
        }

        css.Append("}\n\n");
        // Only what differs in the dark palette; the <html> attribute is set by js/theme.js before the page paints.
        css.Append("html[data-theme=\"dark\"] {\n");
        foreach (var (name, value) in dark.Where(d => light.FirstOrDefault(l => l.Name == d.Name).Value != d.Value))
        {
            css.Append("  ").Append(name).Append(": ").Append(value).Append(";\n");
        }

        css.Append("}\n");
        // Everything the provider renders besides the :root variables (e.g. its scrollbar rules) follows as it is.
        css.Append(OutsideRoot(StyleOf(isDarkMode: false)));
        return css.ToString();
    }

    private string StyleOf(bool isDarkMode)
    {
        var provider = Render<MudThemeProvider>(p => p.Add(t => t.Theme, PortalTheme.Theme).Add(t => t.IsDarkMode, isDarkMode));
        return string.Concat(provider.FindAll("style").Select(s => s.TextContent));
    }

    private static List<(string Name, string Value)> Declarations(string style) =>
        RootBlock().Matches(style).SelectMany(block => Declaration().Matches(block.Groups["body"].Value))
            .Select(m => (m.Groups["name"].Value, m.Groups["value"].Value.Trim()))
            .ToList();

    private static string OutsideRoot(string style)
    {
        var rest = RootBlock().Replace(style, "").Trim();
        return rest.Length == 0 ? "" : "\n" + rest + "\n";
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "AdminPortal.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("AdminPortal.sln not found above the test binaries.");
    }

    [GeneratedRegex(@":root\s*\{(?<body>[^}]*)\}")]
    private static partial Regex RootBlock();

    [GeneratedRegex(@"(?<name>--[\w-]+)\s*:\s*(?<value>[^;]+);")]
    private static partial Regex Declaration();
}
