using AdminPortal.Features.Devices;

namespace AdminPortal.Tests.Devices;

public sealed class DeviceSecretsTests
{
    [Fact]
    public void Secrets_are_long_random_and_stored_as_a_sha256_that_does_not_contain_them()
    {
        var secrets = Enumerable.Range(0, 100).Select(_ => DeviceSecrets.NewDeviceSecret()).ToList();

        Assert.Equal(100, secrets.Distinct().Count());
        Assert.All(secrets, s => Assert.Matches("^[A-Za-z0-9_-]{43}$", s));
        var hash = DeviceSecrets.HashSecret(secrets[0]);
        Assert.Matches("^[0-9a-f]{64}$", hash);
        Assert.Equal(hash, DeviceSecrets.HashSecret(secrets[0]));
        Assert.NotEqual(hash, DeviceSecrets.HashSecret(secrets[1]));
    }

    [Fact]
    public void Enrollment_codes_are_typable_and_their_hash_ignores_case_spaces_and_dashes()
    {
        var code = DeviceSecrets.NewEnrollmentCode();

        Assert.Matches("^[A-HJKMNP-TV-Z2-9]{4}-[A-HJKMNP-TV-Z2-9]{4}-[A-HJKMNP-TV-Z2-9]{4}$", code);
        Assert.Equal(DeviceSecrets.HashEnrollmentCode(code), DeviceSecrets.HashEnrollmentCode(code.Replace("-", " ").ToLowerInvariant()));
        Assert.NotEqual(DeviceSecrets.HashSecret(code), DeviceSecrets.HashEnrollmentCode(code));
        Assert.Equal(code[^4..], DeviceSecrets.CodeHint(code));
    }
}

public sealed class EnrollmentQrCodeTests
{
    [Fact]
    public void A_code_becomes_a_png_data_url()
    {
        var url = AdminPortal.Features.Devices.Enrollment.EnrollmentQrCode.DataUrl("ABCD-EFGH-JKMN");

        Assert.StartsWith("data:image/png;base64,", url);
        var png = Convert.FromBase64String(url["data:image/png;base64,".Length..]);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
    }
}
