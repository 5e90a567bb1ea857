namespace AdminPortal.Features.Accounts.WebAuthn;

/// <summary>
/// Names of well-known authenticators by AAGUID (from the community passkey AAGUID list), so people recognise their keys.
/// Unknown or all-zero AAGUIDs (many security keys send zeros without attestation) have no name.
/// </summary>
public static class AuthenticatorModels
{
    private static readonly Dictionary<Guid, string> Known = new()
    {
        [Guid.Parse("ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4")] = "Google Password Manager",
        [Guid.Parse("adce0002-35bc-c60a-648b-0b25f1f05503")] = "Chrome on Mac",
        [Guid.Parse("08987058-cadc-4b81-b6e1-30de50dcbe96")] = "Windows Hello",
        [Guid.Parse("9ddd1817-af5a-4672-a2b9-3e3dd95000a9")] = "Windows Hello",
        [Guid.Parse("6028b017-b1d4-4c02-b4b3-afcdafc96bb2")] = "Windows Hello",
        [Guid.Parse("fbfc3007-154e-4ecc-8c0b-6e020557d7bd")] = "iCloud Keychain",
        [Guid.Parse("dd4ec289-e01d-41c9-bb89-70fa845d4bf2")] = "iCloud Keychain (Managed)",
        [Guid.Parse("bada5566-a7aa-401f-bd96-45619a55120d")] = "1Password",
        [Guid.Parse("d548826e-79b4-db40-a3d8-11116f7e8349")] = "Bitwarden",
        [Guid.Parse("531126d6-e717-415c-9320-3d9aa6981239")] = "Dashlane",
        [Guid.Parse("53414d53-554e-4700-0000-000000000000")] = "Samsung Pass",
        [Guid.Parse("cb69481e-8ff7-4039-93ec-0a2729a154a8")] = "YubiKey 5 Series",
        [Guid.Parse("ee882879-721c-4913-9775-3dfcce97072a")] = "YubiKey 5 Series",
        [Guid.Parse("fa2b99dc-9e39-4257-8f92-4a30d23c4118")] = "YubiKey 5 Series with NFC",
        [Guid.Parse("2fc0579f-8113-47ea-b116-bb5a8db9202a")] = "YubiKey 5 Series with NFC",
    };

    public static string? NameOf(Guid aaguid) => Known.GetValueOrDefault(aaguid);
}
