using System.Text.Json;

namespace AdminPortal.Features.Devices;

/// <summary>
/// Finds primary account numbers (13–19 digits passing the Luhn check, digits optionally grouped by single spaces or
/// dashes) so the device API can refuse a request that carries one. The portal never stores or logs a card number,
/// so callers report only where one was found, never the value.
/// </summary>
public static class CardNumberDetector
{
    public const int MinDigits = 13;
    public const int MaxDigits = 19;

    /// <summary>True when <paramref name="text"/> contains a run of digits that looks like a card number.</summary>
    public static bool ContainsCardNumber(ReadOnlySpan<char> text)
    {
        Span<byte> digits = stackalloc byte[MaxDigits + 1];
        var i = 0;
        while (i < text.Length)
        {
            if (AdminPortal.Infrastructure.CardData.GuidTokens.IsGuidAt(text, i))
            {
                // A command id or report id: never a card number, though its digit groups may look like one.
                i += AdminPortal.Infrastructure.CardData.GuidTokens.Length;
                continue;
            }

            if (!char.IsAsciiDigit(text[i]))
            {
                i++;
                continue;
            }

            // A maximal run of digits where single separators may sit between digits ("4111 1111-1111 1111").
            var start = i;
            var count = 0;
            while (i < text.Length)
            {
                if (char.IsAsciiDigit(text[i]))
                {
                    if (count <= MaxDigits)
                    {
                        digits[Math.Min(count, MaxDigits)] = (byte)(text[i] - '0');
                    }

                    count++;
                    i++;
                }
                else if (text[i] is ' ' or '-' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]) && i > 0 && char.IsAsciiDigit(text[i - 1]))
                {
                    i++;
                }
                else
                {
                    break;
                }
            }

            // Longer runs (ids, timestamps in digits) are not card numbers; testing windows inside them would flag
            // one in ten of them by chance.
            // Digits of a decimal number (a coordinate such as 52.520012345678901) are not a card number either.
            var isDecimal = (start >= 2 && text[start - 1] == '.' && char.IsAsciiDigit(text[start - 2]))
                            || (i + 1 < text.Length && text[i] == '.' && char.IsAsciiDigit(text[i + 1]));
            if (count is >= MinDigits and <= MaxDigits && !isDecimal && PassesLuhn(digits[..count]))
            {
                return true;
            }
        }

        return false;
    }

    public static bool PassesLuhn(ReadOnlySpan<byte> digits)
    {
        var sum = 0;
        for (var k = 0; k < digits.Length; k++)
        {
            int d = digits[digits.Length - 1 - k];
            if (k % 2 == 1)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
        }

        return sum % 10 == 0;
    }

    /// <summary>
    /// The JSON path of the first property name or value that carries a card number, or null. Reads decoded strings,
    /// so an escaped number (<c>\u0034…</c>) is found too.
    /// </summary>
    public static string? FindInJson(JsonElement element, string path = "")
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    var childPath = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
                    if (ContainsCardNumber(property.Name))
                    {
                        return path.Length == 0 ? "(property name)" : path;
                    }

                    if (FindInJson(property.Value, childPath) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (FindInJson(item, $"{path}[{index++}]") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.String:
                return ContainsCardNumber(element.GetString()) ? path : null;
            case JsonValueKind.Number:
                return ContainsCardNumber(element.GetRawText()) ? path : null;
            default:
                return null;
        }
    }
}
