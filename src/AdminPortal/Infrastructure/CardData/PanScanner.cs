using System.Buffers;
using System.Text;
using System.Text.Json;

namespace AdminPortal.Infrastructure.CardData;

/// <summary>Where a primary account number was found: the JSON path of the field, never the number itself.</summary>
public readonly record struct PanFinding(string Path);

/// <summary>
/// Finds primary account numbers (PANs) anywhere in a JSON document before anything else touches it: every string
/// value, every number value and every property name, at any depth. A PAN is a run of 13–19 digits that passes the Luhn check, written
/// plainly or grouped with single spaces or dashes ("4111 1111 1111 1111", "4111-1111-1111-1111"); a longer or
/// shorter run is not one, so 20-digit references and 12-digit numbers pass.
/// Allocation-light: one forward pass of <see cref="Utf8JsonReader"/> over the caller's bytes; the path is only built
/// when a PAN is found. It knows nothing of any request shape, so every API can use it.
/// </summary>
public static class PanScanner
{
    private const int MinDigits = 13;
    private const int MaxDigits = 19;

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    // What a written PAN consists of: digits, and single spaces or dashes between groups.
    private static readonly SearchValues<byte> PanBytes = SearchValues.Create("0123456789 -"u8);
    private static readonly SearchValues<char> PanChars = SearchValues.Create("0123456789 -");

    /// <summary>The first field holding a PAN (e.g. <c>events[3].cardToken</c>), or null when there is none.</summary>
    /// <exception cref="JsonException">The document is not valid JSON.</exception>
    public static PanFinding? Find(ReadOnlySpan<byte> utf8Json)
    {
        // Utf8JsonReader refuses a byte-order mark that the JSON serializer accepts: skip it so such a body is scanned.
        if (utf8Json.StartsWith(Utf8Bom))
        {
            utf8Json = utf8Json[Utf8Bom.Length..];
        }

        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 64 });
        var path = new PathTracker();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        path.EnterValue();
                        path.Push(isArray: false);
                        break;
                    case JsonTokenType.StartArray:
                        path.EnterValue();
                        path.Push(isArray: true);
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        path.Pop();
                        break;
                    case JsonTokenType.PropertyName:
                        // A name is as free as a value. The finding names the object holding it, never the name itself.
                        path.ClearName();
                        if (StringHoldsPan(ref reader))
                        {
                            return new PanFinding(path.Describe(utf8Json));
                        }

                        path.SetName(reader.TokenStartIndex, reader.ValueIsEscaped ? reader.GetString() : null, reader.ValueSpan.Length);
                        break;
                    case JsonTokenType.String:
                        path.EnterValue();
                        if (StringHoldsPan(ref reader))
                        {
                            return new PanFinding(path.Describe(utf8Json));
                        }

                        break;
                    case JsonTokenType.Number:
                        path.EnterValue();
                        if (NumberHoldsPan(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan))
                        {
                            return new PanFinding(path.Describe(utf8Json));
                        }

                        break;
                    default:
                        path.EnterValue();
                        break;
                }
            }
        }
        finally
        {
            path.Dispose();
        }

        return null;
    }

    /// <summary>
    /// True when no PAN can be anywhere in <paramref name="utf8Json"/>, decided from its raw bytes without reading the
    /// JSON: every PAN in a decoded name or value is also a stretch of 13 or more digits (with spaces or dashes) in the
    /// raw bytes, unless a <c>\u</c> escape spells a digit, space or dash; no other escape does. Says nothing about
    /// whether the document is valid JSON, so it is for callers that parse the document next: on a typical batch it
    /// spares them <see cref="Find"/>'s pass through the JSON reader, which cost as much as half the parse itself.
    /// </summary>
    public static bool CannotHoldPan(ReadOnlySpan<byte> utf8Json) => utf8Json.IndexOf("\\u"u8) < 0 && !MayHoldPan(utf8Json);

    /// <summary>
    /// A card number sent as a JSON number is an integer: the digits before a fraction can be one, and so can an
    /// exponent's digits (no real exponent has 13). The fraction of a full-precision coordinate
    /// (<c>51.50896754321230</c>) is a long digit run that may pass Luhn, and refusing a terminal's location as a card
    /// number would drop the whole batch, so the fraction is not scanned.
    /// </summary>
    private static bool NumberHoldsPan(ReadOnlySpan<byte> number)
    {
        var exponent = number.IndexOfAny((byte)'e', (byte)'E');
        if (exponent >= 0 && ContainsPan(number[(exponent + 1)..]))
        {
            return true;
        }

        var end = number.IndexOfAny((byte)'.', (byte)'e', (byte)'E');
        return ContainsPan(end < 0 ? number : number[..end]);
    }

    /// <summary>True when <paramref name="text"/> holds a PAN anywhere (for single values outside JSON).</summary>
    public static bool ContainsPan(ReadOnlySpan<char> text)
    {
        if (!MayHoldPan(text))
        {
            return false;
        }

        var scan = new RunScanner();
        for (var i = 0; i < text.Length; i++)
        {
            if (GuidTokens.IsGuidAt(text, i))
            {
                // An identifier, not a card number: it counts as one non-digit character.
                i += GuidTokens.Length - 1;
                if (scan.Next('|'))
                {
                    return true;
                }

                continue;
            }

            if (scan.Next(text[i]))
            {
                return true;
            }
        }

        return scan.End();
    }

    /// <summary>True when the UTF-8 <paramref name="utf8"/> holds a PAN anywhere.</summary>
    public static bool ContainsPan(ReadOnlySpan<byte> utf8)
    {
        if (!MayHoldPan(utf8))
        {
            return false;
        }

        var scan = new RunScanner();
        for (var i = 0; i < utf8.Length; i++)
        {
            if (GuidTokens.IsGuidAt(utf8, i))
            {
                // An identifier, not a card number: it counts as one non-digit character.
                i += GuidTokens.Length - 1;
                if (scan.Next('|'))
                {
                    return true;
                }

                continue;
            }

            // Multi-byte UTF-8 sequences never contain ASCII digits, space or dash bytes, so bytes can be scanned as chars.
            if (scan.Next((char)utf8[i]))
            {
                return true;
            }
        }

        return scan.End();
    }

    /// <summary>
    /// The common path: almost no value has 13 digits in one stretch of digits, spaces and dashes, and a PAN (plain or
    /// grouped) is such a stretch. Finding the stretches is vectorised; only a value that has one long enough gets the
    /// character-by-character scan (which also tells GUIDs and 20-digit references from card numbers).
    /// </summary>
    private static bool MayHoldPan(ReadOnlySpan<byte> utf8)
    {
        while (utf8.Length >= MinDigits)
        {
            var start = utf8.IndexOfAnyInRange((byte)'0', (byte)'9');
            if (start < 0)
            {
                return false;
            }

            utf8 = utf8[start..];
            var end = utf8.IndexOfAnyExcept(PanBytes);
            var stretch = end < 0 ? utf8 : utf8[..end];
            if (stretch.Length >= MinDigits && stretch.Length - stretch.Count((byte)' ') - stretch.Count((byte)'-') >= MinDigits)
            {
                return true;
            }

            if (end < 0)
            {
                return false;
            }

            utf8 = utf8[end..];
        }

        return false;
    }

    /// <summary>The same over characters.</summary>
    private static bool MayHoldPan(ReadOnlySpan<char> text)
    {
        while (text.Length >= MinDigits)
        {
            var start = text.IndexOfAnyInRange('0', '9');
            if (start < 0)
            {
                return false;
            }

            text = text[start..];
            var end = text.IndexOfAnyExcept(PanChars);
            var stretch = end < 0 ? text : text[..end];
            if (stretch.Length >= MinDigits && stretch.Length - stretch.Count(' ') - stretch.Count('-') >= MinDigits)
            {
                return true;
            }

            if (end < 0)
            {
                return false;
            }

            text = text[end..];
        }

        return false;
    }

    /// <summary>Luhn (mod 10) over ASCII digits.</summary>
    public static bool PassesLuhn(ReadOnlySpan<char> digits)
    {
        var sum = 0;
        var doubleIt = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (d is < 0 or > 9)
            {
                return false;
            }

            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubleIt = !doubleIt;
        }

        return sum % 10 == 0;
    }

    private static bool StringHoldsPan(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            return ContainsPan(reader.ValueSpan);
        }

        // Escapes (\u0034 is "4") could hide digits from a byte scan: unescape first.
        var length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        var rented = ArrayPool<char>.Shared.Rent(length);
        try
        {
            var written = reader.CopyString(rented);
            return ContainsPan(rented.AsSpan(0, written));
        }
        finally
        {
            Array.Clear(rented, 0, length);
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Scans characters for digit groups joined by single spaces or dashes ("4111 1111-1111 1111"). Whenever a group
    /// closes, every sequence of adjacent groups ending with it that holds 13–19 digits is checked with Luhn, so a PAN
    /// is found even when it follows other digits ("qty 2 4111111111111111"); a single group longer than 19 digits
    /// (a 20-digit reference) is never a PAN.
    /// </summary>
    private struct RunScanner
    {
        // Digits of the recent groups (at most 19 digits worth) followed by the open group.
        private DigitBuffer _digits;
        private GroupLengths _groups;
        private int _groupCount;
        private int _closedDigits;
        private int _openDigits;
        private bool _lastWasSeparator;

        public bool Next(char c)
        {
            if (c is >= '0' and <= '9')
            {
                if (_openDigits <= MaxDigits)
                {
                    _digits[_closedDigits + _openDigits] = c;
                }

                _openDigits++;
                _lastWasSeparator = false;
                return false;
            }

            if ((c is ' ' or '-') && _openDigits > 0 && !_lastWasSeparator)
            {
                _lastWasSeparator = true;
                return CloseGroup();
            }

            return End();
        }

        /// <summary>Ends the current run; true when its last group completed a PAN.</summary>
        public bool End()
        {
            var isPan = _openDigits > 0 && CloseGroup();
            this = default;
            return isPan;
        }

        private bool CloseGroup()
        {
            var length = _openDigits;
            _openDigits = 0;
            if (length > MaxDigits)
            {
                // Nothing that includes this group can be a PAN; it also separates what came before from what follows.
                _groupCount = 0;
                _closedDigits = 0;
                return false;
            }

            _groups[_groupCount++] = length;
            _closedDigits += length;
            while (_closedDigits > MaxDigits)
            {
                var first = _groups[0];
                Span<char> digits = _digits;
                digits[first.._closedDigits].CopyTo(digits);
                Span<int> groups = _groups;
                groups[1.._groupCount].CopyTo(groups);
                _groupCount--;
                _closedDigits -= first;
            }

            var total = 0;
            for (var g = _groupCount - 1; g >= 0; g--)
            {
                total += _groups[g];
                if (total >= MinDigits && PassesLuhn(((ReadOnlySpan<char>)_digits).Slice(_closedDigits - total, total)))
                {
                    return true;
                }
            }

            return false;
        }
    }

    [System.Runtime.CompilerServices.InlineArray(2 * MaxDigits + 2)]
    private struct DigitBuffer
    {
        private char _first;
    }

    [System.Runtime.CompilerServices.InlineArray(MaxDigits + 1)]
    private struct GroupLengths
    {
        private int _first;
    }

    /// <summary>The current position in the document as a stack of frames; names are kept as offsets into the input.</summary>
    private struct PathTracker : IDisposable
    {
        private Frame[] _frames;
        private int _depth;

        public void Push(bool isArray)
        {
            _frames ??= ArrayPool<Frame>.Shared.Rent(16);
            if (_depth == _frames.Length)
            {
                var bigger = ArrayPool<Frame>.Shared.Rent(_frames.Length * 2);
                _frames.AsSpan(0, _depth).CopyTo(bigger);
                ArrayPool<Frame>.Shared.Return(_frames, clearArray: true);
                _frames = bigger;
            }

            _frames[_depth++] = new Frame { IsArray = isArray, Index = -1 };
        }

        public void Pop() => _depth--;

        /// <summary>A value starts: inside an array it is the next element.</summary>
        public void EnterValue()
        {
            if (_depth > 0 && _frames[_depth - 1].IsArray)
            {
                _frames[_depth - 1].Index++;
            }
        }

        /// <summary>Forgets the previous sibling's name while the next name is checked.</summary>
        public void ClearName()
        {
            ref var frame = ref _frames[_depth - 1];
            frame.NameLength = 0;
            frame.EscapedName = null;
        }

        public void SetName(long tokenStart, string? escapedName, int rawLength)
        {
            ref var frame = ref _frames[_depth - 1];
            frame.NameStart = (int)tokenStart + 1; // skip the opening quote
            frame.NameLength = rawLength;
            frame.EscapedName = escapedName;
        }

        public readonly string Describe(ReadOnlySpan<byte> json)
        {
            var builder = new StringBuilder();
            for (var i = 0; i < _depth; i++)
            {
                var frame = _frames[i];
                if (frame.IsArray)
                {
                    builder.Append('[').Append(frame.Index).Append(']');
                }
                else if (frame.NameLength > 0 || frame.EscapedName is not null)
                {
                    if (builder.Length > 0)
                    {
                        builder.Append('.');
                    }

                    builder.Append(frame.EscapedName ?? Encoding.UTF8.GetString(json.Slice(frame.NameStart, frame.NameLength)));
                }
            }

            return builder.Length == 0 ? "$" : builder.ToString();
        }

        public void Dispose()
        {
            if (_frames is not null)
            {
                ArrayPool<Frame>.Shared.Return(_frames, clearArray: true);
                _frames = null!;
            }
        }

        private struct Frame
        {
            public bool IsArray;
            public int Index;
            public int NameStart;
            public int NameLength;
            public string? EscapedName;
        }
    }
}
