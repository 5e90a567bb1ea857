using System.Security.Cryptography;
using System.Text;

namespace AdminPortal.Features.Devices;

/// <summary>
/// Device secrets and enrollment codes. Both are random and high-entropy, so a single SHA-256 is the right stored form:
/// a slow password hash protects guessable secrets, and these are not guessable (256 and 60 bits). Only hashes are stored.
/// </summary>
public static class DeviceSecrets
{
    // Crockford-style alphabet: no 0/O, 1/I/L, U, so a code read aloud or typed from a sticker survives.
    private const string CodeAlphabet = "ABCDEFGHJKMNPQRSTVWXYZ23456789";
    private const int CodeLength = 12;

    /// <summary>A new bearer secret: 32 random bytes, base64url.</summary>
    public static string NewDeviceSecret() => Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string HashSecret(string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>A new enrollment code shown as <c>XXXX-XXXX-XXXX</c>.</summary>
    public static string NewEnrollmentCode()
    {
        Span<char> chars = stackalloc char[CodeLength];
        for (var i = 0; i < CodeLength; i++)
        {
            chars[i] = CodeAlphabet[RandomNumberGenerator.GetInt32(CodeAlphabet.Length)];
        }

        var code = new string(chars);
        return $"{code[..4]}-{code[4..8]}-{code[8..]}";
    }

    /// <summary>Case, spaces and dashes do not matter when a person types a code.</summary>
    public static string NormaliseCode(string code) =>
        new(code.Where(c => c is not ('-' or ' ')).Select(char.ToUpperInvariant).ToArray());

    public static string HashEnrollmentCode(string code) => HashSecret("enrollment:" + NormaliseCode(code));

    public static string CodeHint(string code) => NormaliseCode(code) is { Length: >= 4 } n ? n[^4..] : "";

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
