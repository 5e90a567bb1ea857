using System.Text.RegularExpressions;

namespace AdminPortal.Features.Patching;

public sealed class PatchRelease
{
    public Guid Id { get; init; }
    public PatchComponent Component { get; init; }
    public required string Version { get; init; }
    public ReleaseSeverity Severity { get; init; }
    public DateTimeOffset ReleasedAt { get; init; }

    /// <summary>Device models the release applies to; empty means every model.</summary>
    public IReadOnlyList<string> Models { get; init; } = [];
    public IReadOnlyList<string> CveIds { get; init; } = [];
    public string? Notes { get; init; }
    public required string CreatedByName { get; init; }
    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset DefaultDeadline => PatchDeadlines.DefaultDeadline(Severity, ReleasedAt);

    public string Describe() => $"{Component.Label()} {Version}";
}

/// <summary>What a platform admin enters for a new release.</summary>
public sealed record NewRelease(
    PatchComponent Component, string Version, ReleaseSeverity Severity, DateTimeOffset ReleasedAt,
    IReadOnlyList<string> Models, IReadOnlyList<string> CveIds, string? Notes);

public static partial class ReleaseValidation
{
    public const int MaxNotesLength = 4000;

    [GeneratedRegex(@"^CVE-\d{4}-\d{4,7}$", RegexOptions.CultureInvariant)]
    private static partial Regex CvePattern();

    public static IReadOnlyList<ValidationProblem> Validate(NewRelease release, DateTimeOffset now)
    {
        var problems = new List<ValidationProblem>();
        if (!Enum.IsDefined(release.Component))
        {
            problems.Add(new("Component", "Choose the component: operating system, firmware or payment app."));
        }

        if (!PatchVersion.TryParse(release.Version, out _, out var versionError))
        {
            problems.Add(new("Version", versionError));
        }

        if (!Enum.IsDefined(release.Severity))
        {
            problems.Add(new("Severity", "Choose a severity: critical, high, medium or low."));
        }

        if (release.ReleasedAt > now.AddDays(1))
        {
            problems.Add(new("ReleasedAt", "The release date cannot be in the future."));
        }

        foreach (var cve in release.CveIds.Where(c => !CvePattern().IsMatch(c)))
        {
            problems.Add(new("CveIds", $"\"{cve}\" is not a CVE id such as CVE-2026-12345."));
        }

        if (release.Models.Any(m => m.Length > 64))
        {
            problems.Add(new("Models", "A model name is at most 64 characters."));
        }

        if (release.Notes?.Length > MaxNotesLength)
        {
            problems.Add(new("Notes", $"Notes are at most {MaxNotesLength} characters."));
        }

        return problems;
    }

    /// <summary>Splits "CVE-2026-1, cve-2026-2" (commas, semicolons, spaces or lines) into a clean, upper-case, de-duplicated list.</summary>
    public static IReadOnlyList<string> SplitCves(string? text) => Split(text, [',', ';', '\n', '\r', ' ', '\t']).Select(s => s.ToUpperInvariant()).ToList();

    /// <summary>Splits a list of model names or tags at commas or lines (a model name may hold spaces: "A920 Pro").</summary>
    public static IReadOnlyList<string> SplitNames(string? text) => Split(text, [',', ';', '\n', '\r']);

    private static IReadOnlyList<string> Split(string? text, char[] separators) =>
        (text ?? "").Split(separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
}
