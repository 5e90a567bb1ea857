using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace AdminPortal.Features.Patching;

/// <summary>
/// A dotted numeric version such as <c>13</c>, <c>4.2.10</c> or <c>2024.11.0.7</c>. Compared number by number,
/// so 4.10 is newer than 4.9 (a string comparison gets that wrong); missing trailing parts count as zero, so 4.2 equals 4.2.0.
/// Vendor suffixes ("-rc1", "+build") are refused: a required minimum must be unambiguous.
/// </summary>
public sealed class PatchVersion : IComparable<PatchVersion>, IEquatable<PatchVersion>
{
    public const int MaxParts = 6;

    private readonly long[] _parts;

    private PatchVersion(long[] parts, string text)
    {
        _parts = parts;
        Text = text;
    }

    /// <summary>The version as written (trimmed).</summary>
    public string Text { get; }

    public IReadOnlyList<long> Parts => _parts;

    public static PatchVersion Parse(string text) =>
        TryParse(text, out var version, out var error) ? version : throw new FormatException(error);

    public static bool TryParse(string? text, [NotNullWhen(true)] out PatchVersion? version) => TryParse(text, out version, out _);

    public static bool TryParse(string? text, [NotNullWhen(true)] out PatchVersion? version, out string error)
    {
        version = null;
        var trimmed = text?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            error = "Enter a version such as 4.2.1.";
            return false;
        }

        var pieces = trimmed.Split('.');
        if (pieces.Length > MaxParts)
        {
            error = $"A version has at most {MaxParts} numbers separated by dots.";
            return false;
        }

        var parts = new long[pieces.Length];
        for (var i = 0; i < pieces.Length; i++)
        {
            // NumberStyles.None: digits only — no signs, spaces, or thousands separators inside a part.
            if (pieces[i].Length is 0 or > 9 || !long.TryParse(pieces[i], NumberStyles.None, CultureInfo.InvariantCulture, out parts[i]))
            {
                error = $"\"{trimmed}\" is not a dotted numeric version (numbers separated by dots, such as 4.2.1).";
                return false;
            }
        }

        version = new PatchVersion(parts, trimmed);
        error = "";
        return true;
    }

    /// <summary>Compares two version strings; an unparsable version sorts before every valid one.</summary>
    public static int Compare(string? left, string? right)
    {
        var leftOk = TryParse(left, out var l);
        var rightOk = TryParse(right, out var r);
        return (leftOk, rightOk) switch
        {
            (true, true) => l!.CompareTo(r),
            (false, false) => 0,
            (false, true) => -1,
            (true, false) => 1,
        };
    }

    /// <summary>True when <paramref name="reported"/> is a valid version at or above <paramref name="minimum"/>.</summary>
    public static bool Satisfies(string? reported, string minimum) =>
        TryParse(reported, out var r) && TryParse(minimum, out var m) && r.CompareTo(m) >= 0;

    public int CompareTo(PatchVersion? other)
    {
        if (other is null)
        {
            return 1;
        }

        var length = Math.Max(_parts.Length, other._parts.Length);
        for (var i = 0; i < length; i++)
        {
            var a = i < _parts.Length ? _parts[i] : 0;
            var b = i < other._parts.Length ? other._parts[i] : 0;
            if (a != b)
            {
                return a < b ? -1 : 1;
            }
        }

        return 0;
    }

    public bool Equals(PatchVersion? other) => other is not null && CompareTo(other) == 0;

    public override bool Equals(object? obj) => obj is PatchVersion other && Equals(other);

    /// <summary>Ignores trailing zeros, consistent with <see cref="Equals(PatchVersion?)"/>.</summary>
    public override int GetHashCode()
    {
        var significant = _parts.Length;
        while (significant > 1 && _parts[significant - 1] == 0)
        {
            significant--;
        }

        var hash = new HashCode();
        for (var i = 0; i < significant; i++)
        {
            hash.Add(_parts[i]);
        }

        return hash.ToHashCode();
    }

    public override string ToString() => Text;

    public static bool operator <(PatchVersion left, PatchVersion right) => left.CompareTo(right) < 0;
    public static bool operator >(PatchVersion left, PatchVersion right) => left.CompareTo(right) > 0;
    public static bool operator <=(PatchVersion left, PatchVersion right) => left.CompareTo(right) <= 0;
    public static bool operator >=(PatchVersion left, PatchVersion right) => left.CompareTo(right) >= 0;
    public static bool operator ==(PatchVersion? left, PatchVersion? right) => left is null ? right is null : left.Equals(right);
    public static bool operator !=(PatchVersion? left, PatchVersion? right) => !(left == right);
}
