namespace AdminPortal.Infrastructure.CardData;

/// <summary>
/// Recognises identifiers written as GUIDs/UUIDs (8-4-4-4-12 hex digits, standing alone). Their digit groups joined
/// by dashes can look like a grouped card number now and then (about one UUID in a few thousand has 13–19 digits in a
/// row that pass Luhn), which would make an ordinary command id or event id un-sendable. A card number never has this
/// shape, so the card-number scanners skip such tokens.
/// </summary>
public static class GuidTokens
{
    public const int Length = 36;

    /// <summary>True when a GUID-shaped token starts at <paramref name="index"/> and is not part of a longer hex/dash run.</summary>
    public static bool IsGuidAt(ReadOnlySpan<char> text, int index)
    {
        if (index < 0 || index + Length > text.Length || (index > 0 && IsHexOrDash(text[index - 1]))
            || (index + Length < text.Length && IsHexOrDash(text[index + Length])))
        {
            return false;
        }

        for (var k = 0; k < Length; k++)
        {
            var c = text[index + k];
            if (k is 8 or 13 or 18 or 23 ? c != '-' : !char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The same over UTF-8 bytes (GUID characters are all ASCII).</summary>
    public static bool IsGuidAt(ReadOnlySpan<byte> utf8, int index)
    {
        if (index < 0 || index + Length > utf8.Length || (index > 0 && IsHexOrDash((char)utf8[index - 1]))
            || (index + Length < utf8.Length && IsHexOrDash((char)utf8[index + Length])))
        {
            return false;
        }

        for (var k = 0; k < Length; k++)
        {
            var c = (char)utf8[index + k];
            if (k is 8 or 13 or 18 or 23 ? c != '-' : !char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsHexOrDash(char c) => c == '-' || char.IsAsciiHexDigit(c);
}
