using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Snippets.Font;

namespace AdminPortal.Features.Compliance.Export.Layout;

/// <summary>
/// The fonts of every PDF the portal writes. PDFsharp needs a font resolver on Linux; the failsafe resolver inside
/// the package embeds its own fonts, so rendering does not depend on what the machine has installed.
/// </summary>
public sealed class PdfFonts
{
    private const string Family = "Segoe WP";
    private static readonly Lock Gate = new();

    private PdfFonts()
    {
        Body = new XFont(Family, 9);
        Bold = new XFont(Family, 9, XFontStyleEx.Bold);
        Small = new XFont(Family, 7.5);
        SmallBold = new XFont(Family, 7.5, XFontStyleEx.Bold);
        H1 = new XFont(Family, 18, XFontStyleEx.Bold);
        H2 = new XFont(Family, 13, XFontStyleEx.Bold);
        H3 = new XFont(Family, 10.5, XFontStyleEx.Bold);
        Title = new XFont(Family, 26, XFontStyleEx.Bold);
        Wrap = new TextWrap();
    }

    public XFont Body { get; }
    public XFont Bold { get; }
    public XFont Small { get; }
    public XFont SmallBold { get; }
    public XFont H1 { get; }
    public XFont H2 { get; }
    public XFont H3 { get; }
    public XFont Title { get; }

    public TextWrap Wrap { get; }

    public static PdfFonts Create()
    {
        lock (Gate)
        {
            // The resolver is process-wide and can be set only once, before the first font is made.
            GlobalFontSettings.FontResolver ??= new FailsafeFontResolver();
        }

        return new PdfFonts();
    }
}
