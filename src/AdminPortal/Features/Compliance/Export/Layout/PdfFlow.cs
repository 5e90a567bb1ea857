using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace AdminPortal.Features.Compliance.Export.Layout;

/// <summary>
/// A small flowing-layout layer over PDFsharp: content goes down the page from a cursor; whatever does not fit moves to
/// a new page, which gets the running header. Footers with "Page n of N" are drawn at the end, once N is known.
/// A4 portrait, units in points.
/// </summary>
public sealed class PdfFlow : IDisposable
{
    public const double PageWidth = 595.28;
    public const double PageHeight = 841.89;
    public const double Margin = 48;
    public const double HeaderHeight = 28;
    public const double FooterHeight = 28;

    private readonly PdfDocument _document = new();
    private readonly List<PdfPage> _pages = [];
    private XGraphics? _gfx;

    public PdfFlow(PdfFonts fonts, string title)
    {
        Fonts = fonts;
        _document.Info.Title = title;
        _document.Info.Creator = "Merchant Security Admin Portal";
    }

    public PdfFonts Fonts { get; }

    /// <summary>Draws the running header on each new page (not on pages started with <c>withHeader: false</c>).</summary>
    public Action<XGraphics, PdfFonts>? Header { get; set; }

    public XGraphics Graphics => _gfx ?? throw new InvalidOperationException("Start a page first.");

    /// <summary>Measuring and wrapping, with a cache shared by every document drawn with these fonts.</summary>
    public TextWrap Wrap => Fonts.Wrap;

    public double Y { get; set; }

    public double Left => Margin;

    public double Width => PageWidth - 2 * Margin;

    public double Bottom => PageHeight - Margin - FooterHeight;

    public double Top { get; private set; }

    public int PageCount => _pages.Count;

    public void NewPage(bool withHeader = true)
    {
        _gfx?.Dispose();
        var page = _document.AddPage();
        page.Width = XUnit.FromPoint(PageWidth);
        page.Height = XUnit.FromPoint(PageHeight);
        _pages.Add(page);
        _gfx = XGraphics.FromPdfPage(page);
        Top = Margin;
        if (withHeader && Header is not null)
        {
            Header(_gfx, Fonts);
            Top = Margin + HeaderHeight;
        }

        Y = Top;
    }

    /// <summary>Moves to a new page unless <paramref name="height"/> points still fit on this one.</summary>
    public void EnsureSpace(double height)
    {
        if (_gfx is null || Y + height > Bottom)
        {
            NewPage();
        }
    }

    public void Space(double height) => Y = Math.Min(Y + height, Bottom);

    /// <summary>A heading kept together with at least <paramref name="keepWithNext"/> points of what follows it.</summary>
    public void Heading(string text, XFont font, double keepWithNext = 72, XColor? colour = null)
    {
        var lines = Wrap.Lines(text, font, Width);
        var lineHeight = font.GetHeight() * 1.1;
        EnsureSpace(lines.Count * lineHeight + keepWithNext);
        foreach (var line in lines)
        {
            Graphics.DrawString(line, font, new XSolidBrush(colour ?? PdfColours.Ink), Left, Y, XStringFormats.TopLeft);
            Y += lineHeight;
        }

        Y += 4;
    }

    /// <summary>Wrapped text; breaks across pages line by line.</summary>
    public void Paragraph(string text, XFont? font = null, double indent = 0, XColor? colour = null)
    {
        font ??= Fonts.Body;
        var lineHeight = font.GetHeight() * 1.2;
        foreach (var line in Wrap.Lines(text, font, Width - indent))
        {
            EnsureSpace(lineHeight);
            Graphics.DrawString(line, font, new XSolidBrush(colour ?? PdfColours.Ink), Left + indent, Y, XStringFormats.TopLeft);
            Y += lineHeight;
        }

        Y += 3;
    }

    public void Rule(XColor? colour = null, double width = 0.6)
    {
        EnsureSpace(6);
        Graphics.DrawLine(new XPen(colour ?? PdfColours.Line, width), Left, Y, Left + Width, Y);
        Y += 6;
    }

    /// <summary>Draws the footers on every page, then returns the finished document.</summary>
    public byte[] Finish(Action<XGraphics, PdfFonts, int, int> footer)
    {
        _gfx?.Dispose();
        _gfx = null;
        for (var i = 0; i < _pages.Count; i++)
        {
            using var gfx = XGraphics.FromPdfPage(_pages[i], XGraphicsPdfPageOptions.Append);
            footer(gfx, Fonts, i + 1, _pages.Count);
        }

        using var stream = new MemoryStream();
        _document.Save(stream, closeStream: false);
        return stream.ToArray();
    }

    public void Dispose()
    {
        _gfx?.Dispose();
        _document.Dispose();
    }
}

public static class PdfColours
{
    public static readonly XColor Ink = XColor.FromArgb(33, 37, 41);
    public static readonly XColor Muted = XColor.FromArgb(108, 117, 125);
    public static readonly XColor Line = XColor.FromArgb(206, 212, 218);
    public static readonly XColor HeaderFill = XColor.FromArgb(30, 58, 95);
    public static readonly XColor Zebra = XColor.FromArgb(245, 247, 250);
    public static readonly XColor Accent = XColor.FromArgb(30, 58, 95);
    public static readonly XColor Good = XColor.FromArgb(25, 135, 84);
    public static readonly XColor Bad = XColor.FromArgb(190, 40, 50);
    public static readonly XColor Warn = XColor.FromArgb(200, 120, 0);
}
