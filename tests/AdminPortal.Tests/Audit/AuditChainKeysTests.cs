using AdminPortal.Features.Audit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace AdminPortal.Tests.Audit;

/// <summary>Where the audit chain key comes from: configuration first, else a key file made once, readable by its owner only.</summary>
public sealed class AuditChainKeysTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "adminportal-tests", $"audit-keys-{Guid.NewGuid():N}");

    private IHostEnvironment Environment => new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { ContentRootPath = _root };

    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Without_configuration_a_key_file_is_made_once_under_the_content_root_with_owner_only_permissions()
    {
        var first = AuditChainKeys.Load(Settings(), Environment, NullLogger.Instance);
        var second = AuditChainKeys.Load(Settings(), Environment, NullLogger.Instance);

        var path = Path.Combine(_root, "keys", "audit-chain.key");
        Assert.True(File.Exists(path));
        Assert.Equal(first.CurrentId, second.CurrentId);
        Assert.Equal(AuditChainKeys.MinimumKeyBytes, Convert.FromBase64String(File.ReadAllText(path)).Length);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
        }
    }

    [Fact]
    public void A_configured_key_wins_over_the_file_and_retired_keys_stay_known_for_verification()
    {
        var key = AuditChainKeys.NewKey();
        var retired = AuditChainKeys.NewKey();

        var keys = AuditChainKeys.Load(
            Settings(("Audit:ChainKey", Convert.ToBase64String(key)), ("Audit:RetiredChainKeys:0", Convert.ToBase64String(retired))),
            Environment, NullLogger.Instance);

        Assert.Equal(AuditChainKeys.IdOf(key), keys.CurrentId);
        Assert.Equal(retired, keys.Find(AuditChainKeys.IdOf(retired)));
        Assert.Null(keys.Find(AuditChainKeys.IdOf(AuditChainKeys.NewKey())));
        Assert.False(Directory.Exists(_root)); // no key file is made when the key is configured
    }

    [Fact]
    public void A_short_or_malformed_key_is_refused_at_start_with_a_message_naming_the_setting()
    {
        var tooShort = Assert.Throws<InvalidOperationException>(() =>
            AuditChainKeys.Load(Settings(("Audit:ChainKey", Convert.ToBase64String(new byte[16]))), Environment, NullLogger.Instance));
        var notBase64 = Assert.Throws<InvalidOperationException>(() =>
            AuditChainKeys.Load(Settings(("Audit:ChainKey", "not base64!")), Environment, NullLogger.Instance));

        Assert.Contains("at least 32 bytes", tooShort.Message);
        Assert.Contains("Audit:ChainKey", notBase64.Message);
    }

    [Fact]
    public void A_key_file_that_cannot_be_created_stops_the_start_with_a_message_naming_the_settings()
    {
        Directory.CreateDirectory(_root);
        var notAFolder = Path.Combine(_root, "not-a-folder");
        File.WriteAllText(notAFolder, "a file where the key's folder would go");

        var refused = Assert.Throws<InvalidOperationException>(() =>
            AuditChainKeys.Load(Settings(("Audit:ChainKeyPath", Path.Combine(notAFolder, "audit-chain.key"))), Environment, NullLogger.Instance));

        Assert.Contains("Audit:ChainKey", refused.Message);
        Assert.Contains(notAFolder, refused.Message);
    }

    [Fact]
    public void The_key_id_reveals_nothing_of_the_key_and_tells_keys_apart()
    {
        var key = AuditChainKeys.NewKey();

        Assert.Equal(AuditChainKeys.IdOf(key), AuditChainKeys.IdOf(key.ToArray()));
        Assert.NotEqual(AuditChainKeys.IdOf(key), AuditChainKeys.IdOf(AuditChainKeys.NewKey()));
        Assert.DoesNotContain(Convert.ToHexStringLower(key)[..8], AuditChainKeys.IdOf(key));
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
