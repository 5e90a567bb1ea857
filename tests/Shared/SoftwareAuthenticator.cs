using System.Buffers.Binary;
using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AdminPortal.Testing;

/// <summary>
/// A WebAuthn authenticator in C# (ES256, attestation "none", resident key, user verification) that answers the
/// portal's real options, so HTTP tests can run the real ceremonies without a browser.
/// </summary>
public sealed class SoftwareAuthenticator : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public SoftwareAuthenticator(Uri origin, string rpId = "localhost")
    {
        Origin = origin.GetLeftPart(UriPartial.Authority);
        RpId = rpId;
    }

    public string Origin { get; }

    public string RpId { get; }

    public byte[] CredentialId { get; } = RandomNumberGenerator.GetBytes(32);

    public byte[]? UserHandle { get; private set; }

    /// <summary>The counter the next assertion increments; set it back to act like a cloned key.</summary>
    public uint SignCount { get; set; }

    /// <summary>Answers navigator.credentials.create() for the server's options JSON.</summary>
    public JsonObject Create(string optionsJson)
    {
        var options = JsonNode.Parse(optionsJson)!;
        UserHandle = FromBase64Url(options["user"]!["id"]!.GetValue<string>());
        var clientData = ClientData("webauthn.create", options["challenge"]!.GetValue<string>());
        var parameters = _key.ExportParameters(false);
        var cose = new CborWriter();
        cose.WriteStartMap(5);
        cose.WriteInt32(1); cose.WriteInt32(2);      // kty: EC2
        cose.WriteInt32(3); cose.WriteInt32(-7);     // alg: ES256
        cose.WriteInt32(-1); cose.WriteInt32(1);     // crv: P-256
        cose.WriteInt32(-2); cose.WriteByteString(parameters.Q.X!);
        cose.WriteInt32(-3); cose.WriteByteString(parameters.Q.Y!);
        cose.WriteEndMap();

        SignCount++;
        var authData = new List<byte>(AuthenticatorDataHeader(0x45)); // UP | UV | AT
        authData.AddRange(new byte[16]);                                // AAGUID: none
        var length = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)CredentialId.Length);
        authData.AddRange(length);
        authData.AddRange(CredentialId);
        authData.AddRange(cose.Encode());

        var attestation = new CborWriter();
        attestation.WriteStartMap(3);
        attestation.WriteTextString("fmt"); attestation.WriteTextString("none");
        attestation.WriteTextString("attStmt"); attestation.WriteStartMap(0); attestation.WriteEndMap();
        attestation.WriteTextString("authData"); attestation.WriteByteString(authData.ToArray());
        attestation.WriteEndMap();

        return new JsonObject
        {
            ["id"] = ToBase64Url(CredentialId),
            ["rawId"] = ToBase64Url(CredentialId),
            ["type"] = "public-key",
            ["response"] = new JsonObject
            {
                ["attestationObject"] = ToBase64Url(attestation.Encode()),
                ["clientDataJSON"] = ToBase64Url(clientData),
                ["transports"] = new JsonArray("internal"),
            },
            ["clientExtensionResults"] = new JsonObject(),
        };
    }

    /// <summary>Answers navigator.credentials.get() for the server's options JSON.</summary>
    public JsonObject Get(string optionsJson)
    {
        var options = JsonNode.Parse(optionsJson)!;
        var clientData = ClientData("webauthn.get", options["challenge"]!.GetValue<string>());
        SignCount++;
        var authData = AuthenticatorDataHeader(0x05); // UP | UV
        var signature = _key.SignData([.. authData, .. SHA256.HashData(clientData)], HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return new JsonObject
        {
            ["id"] = ToBase64Url(CredentialId),
            ["rawId"] = ToBase64Url(CredentialId),
            ["type"] = "public-key",
            ["response"] = new JsonObject
            {
                ["authenticatorData"] = ToBase64Url(authData),
                ["clientDataJSON"] = ToBase64Url(clientData),
                ["signature"] = ToBase64Url(signature),
                ["userHandle"] = UserHandle is null ? null : ToBase64Url(UserHandle),
            },
            ["clientExtensionResults"] = new JsonObject(),
        };
    }

    private byte[] AuthenticatorDataHeader(byte flags)
    {
        var data = new byte[37];
        SHA256.HashData(Encoding.UTF8.GetBytes(RpId)).CopyTo(data, 0);
        data[32] = flags;
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(33), SignCount);
        return data;
    }

    private byte[] ClientData(string type, string challenge) => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
    {
        ["type"] = type,
        ["challenge"] = challenge,
        ["origin"] = Origin,
        ["crossOrigin"] = false,
    });

    public static string ToBase64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] FromBase64Url(string text) =>
        Convert.FromBase64String(text.Replace('-', '+').Replace('_', '/').PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '='));

    public void Dispose() => _key.Dispose();
}
