using System.Collections.Concurrent;
using PdfSharp.Drawing;

namespace AdminPortal.Features.Compliance.Export.Layout;

/// <summary>
/// Measures text and breaks it into lines that fit a width: at spaces where possible, inside a word when it alone is
/// too long. Word widths are cached: a questionnaire repeats the same words thousands of times, and measuring is the
/// most expensive step of the layout. One instance lives with the fonts and is shared by concurrent renders.
/// </summary>
public sealed class TextWrap
{
    private const int MaxCachedWords = 200_000;
    private readonly ConcurrentDictionary<(XFont Font, string Text), double> _widths = new();
    private readonly XGraphics _measure = XGraphics.CreateMeasureContext(new XSize(2000, 2000), XGraphicsUnit.Point, XPageDirection.Downwards);
    private readonly Lock _gate = new();

    public double Width(string text, XFont font)
    {
        if (_widths.TryGetValue((font, text), out var width))
        {
            return width;
        }

        lock (_gate)
        {
            width = _measure.MeasureString(text, font).Width;
        }

        // Free text (explanations) makes the set of words open-ended: stop caching rather than grow without bound.
        if (_widths.Count < MaxCachedWords)
        {
            _widths[(font, text)] = width;
        }

        return width;
    }

    public IReadOnlyList<string> Lines(string? text, XFont font, double width)
    {
        var lines = new List<string>();
        var space = Width(" ", font);
        foreach (var paragraph in (text ?? "").Replace("\r\n", "\n").Split('\n'))
        {
            var line = new List<string>();
            var lineWidth = 0.0;
            foreach (var word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var wordWidth = Width(word, font);
                var added = line.Count == 0 ? wordWidth : lineWidth + space + wordWidth;
                if (added <= width)
                {
                    line.Add(word);
                    lineWidth = added;
                    continue;
                }

                if (line.Count > 0)
                {
                    lines.Add(string.Join(' ', line));
                    line.Clear();
                }

                var rest = word;
                // A word wider than the column (a URL, a hash) is cut where it must be.
                while (Width(rest, font) > width && rest.Length > 1)
                {
                    var fit = rest.Length - 1;
                    while (fit > 1 && Width(rest[..fit], font) > width)
                    {
                        fit--;
                    }

                    lines.Add(rest[..fit]);
                    rest = rest[fit..];
                }

                line.Add(rest);
                lineWidth = Width(rest, font);
            }

            lines.Add(string.Join(' ', line));
        }

        return lines;
    }
}
