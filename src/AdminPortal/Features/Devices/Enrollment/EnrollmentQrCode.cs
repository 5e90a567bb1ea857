using QRCoder;

namespace AdminPortal.Features.Devices.Enrollment;

/// <summary>An enrollment code as a QR image the terminal's set-up screen scans.</summary>
public static class EnrollmentQrCode
{
    /// <summary>A PNG data URL of <paramref name="code"/> (medium error correction: survives a scuffed print-out).</summary>
    public static string DataUrl(string code)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(code, QRCodeGenerator.ECCLevel.M);
        var png = new PngByteQRCode(data).GetGraphic(6);
        return "data:image/png;base64," + Convert.ToBase64String(png);
    }
}
