namespace AdminPortal.Features.Accounts.WebAuthn;

/// <summary>
/// The WebAuthn signature counter rule (§6.1.1): a counter that does not move forward means a cloned authenticator,
/// unless both are zero (authenticators that never count, such as synced passkeys).
/// </summary>
public static class SignatureCounter
{
    public static bool IsRegression(uint stored, uint presented) => (stored != 0 || presented != 0) && presented <= stored;

    /// <summary>The counter inside raw authenticator data: 32-byte RP id hash, 1 flag byte, then 4 bytes big-endian.</summary>
    public static uint Read(ReadOnlySpan<byte> authenticatorData) =>
        authenticatorData.Length < 37
            ? throw new ArgumentException("Authenticator data is shorter than 37 bytes.", nameof(authenticatorData))
            : System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(authenticatorData[33..37]);
}
