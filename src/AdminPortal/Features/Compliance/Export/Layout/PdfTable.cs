using PdfSharp.Drawing;

namespace AdminPortal.Features.Compliance.Export.Layout;

public sealed record PdfColumn(string Header, double Weight);

/// <summary>One table row; <see cref="Colours"/> optionally tints single cells (e.g. a response).</summary>
public sealed record PdfRow(IReadOnlyList<string> Cells, bool Emphasis = false, IReadOnlyDictionary<int, XColor>? Colours = null);

/// <summary>
/// A table that wraps its cells, breaks across pages between rows (or between lines of a very tall row) and repeats
/// its header row on every page it reaches.
/// </summary>
public static class PdfTable
{
    private const double Padding = 3;

    public static void Draw(PdfFlow flow, IReadOnlyList<PdfColumn> columns, IEnumerable<PdfRow> rows, XFont? font = null)
    {
        font ??= flow.Fonts.Body;
        var total = columns.Sum(c => c.Weight);
        var widths = columns.Select(c => flow.Width * c.Weight / total).ToArray();
        var lineHeight = font.GetHeight() * 1.15;
        var headerFont = flow.Fonts.SmallBold;
        var headerLines = columns.Select((c, i) => flow.Wrap.Lines(c.Header, headerFont, widths[i] - 2 * Padding)).ToArray();
        var headerHeight = headerLines.Max(l => l.Count) * headerFont.GetHeight() * 1.15 + 2 * Padding;

        // The header must come with the start of the first row (up to three lines), never alone at a page foot.
        flow.EnsureSpace(headerHeight + 3 * lineHeight + 2 * Padding);
        DrawHeader(flow, headerLines, widths, headerFont, headerHeight);
        var index = 0;
        foreach (var row in rows)
        {
            var rowFont = row.Emphasis ? flow.Fonts.Bold : font;
            var cellLines = row.Cells.Select((c, i) => flow.Wrap.Lines(c, rowFont, widths[i] - 2 * Padding)).ToArray();
            var lineCount = cellLines.Max(l => l.Count);
            var drawn = 0;
            while (drawn < lineCount)
            {
                var room = (int)Math.Floor((flow.Bottom - flow.Y - 2 * Padding) / lineHeight);
                var remaining = lineCount - drawn;
                // Keep short rows whole; split only rows taller than what is left, and never leave a lone line behind.
                if (room < Math.Min(remaining, 3) || (remaining <= 6 && room < remaining))
                {
                    flow.NewPage();
                    DrawHeader(flow, headerLines, widths, headerFont, headerHeight);
                    continue;
                }

                var take = Math.Min(room, remaining);
                var height = take * lineHeight + 2 * Padding;
                if (index % 2 == 1)
                {
                    flow.Graphics.DrawRectangle(new XSolidBrush(PdfColours.Zebra), flow.Left, flow.Y, flow.Width, height);
                }

                var x = flow.Left;
                for (var c = 0; c < columns.Count; c++)
                {
                    var brush = new XSolidBrush(row.Colours is not null && row.Colours.TryGetValue(c, out var colour) ? colour : PdfColours.Ink);
                    var lines = cellLines[c];
                    for (var l = drawn; l < Math.Min(drawn + take, lines.Count); l++)
                    {
                        flow.Graphics.DrawString(lines[l], rowFont, brush, x + Padding, flow.Y + Padding + (l - drawn) * lineHeight, XStringFormats.TopLeft);
                    }

                    x += widths[c];
                }

                flow.Y += height;
                flow.Graphics.DrawLine(new XPen(PdfColours.Line, 0.4), flow.Left, flow.Y, flow.Left + flow.Width, flow.Y);
                drawn += take;
            }

            index++;
        }

        flow.Y += 8;
    }

    private static void DrawHeader(PdfFlow flow, IReadOnlyList<string>[] headerLines, double[] widths, XFont font, double height)
    {
        flow.Graphics.DrawRectangle(new XSolidBrush(PdfColours.HeaderFill), flow.Left, flow.Y, flow.Width, height);
        var x = flow.Left;
        var lineHeight = font.GetHeight() * 1.15;
        for (var c = 0; c < headerLines.Length; c++)
        {
            for (var l = 0; l < headerLines[c].Count; l++)
            {
                flow.Graphics.DrawString(headerLines[c][l], font, XBrushes.White, x + Padding, flow.Y + Padding + l * lineHeight, XStringFormats.TopLeft);
            }

            x += widths[c];
        }

        flow.Y += height;
    }

    /// <summary>Label/value pairs as a two-column table without a header band.</summary>
    public static void KeyValues(PdfFlow flow, IEnumerable<(string Label, string Value)> pairs, double labelWeight = 0.32)
    {
        var labelWidth = flow.Width * labelWeight;
        var valueWidth = flow.Width - labelWidth;
        var lineHeight = flow.Fonts.Body.GetHeight() * 1.15;
        foreach (var (label, value) in pairs)
        {
            var labelLines = flow.Wrap.Lines(label, flow.Fonts.Bold, labelWidth - 2 * Padding);
            var valueLines = flow.Wrap.Lines(string.IsNullOrWhiteSpace(value) ? "-" : value, flow.Fonts.Body, valueWidth - 2 * Padding);
            var lines = Math.Max(labelLines.Count, valueLines.Count);
            flow.EnsureSpace(lines * lineHeight + 2 * Padding);
            for (var l = 0; l < lines; l++)
            {
                if (l < labelLines.Count)
                {
                    flow.Graphics.DrawString(labelLines[l], flow.Fonts.Bold, new XSolidBrush(PdfColours.Ink), flow.Left + Padding, flow.Y + Padding + l * lineHeight, XStringFormats.TopLeft);
                }

                if (l < valueLines.Count)
                {
                    flow.Graphics.DrawString(valueLines[l], flow.Fonts.Body, new XSolidBrush(PdfColours.Ink), flow.Left + labelWidth + Padding, flow.Y + Padding + l * lineHeight, XStringFormats.TopLeft);
                }
            }

            flow.Y += lines * lineHeight + 2 * Padding;
            flow.Graphics.DrawLine(new XPen(PdfColours.Line, 0.4), flow.Left, flow.Y, flow.Left + flow.Width, flow.Y);
        }

        flow.Y += 8;
    }
}
