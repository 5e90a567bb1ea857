using System.Security.Cryptography;
using System.Text;

namespace AdminPortal.Features.Audit;

/// <summary>The <c>Audit</c> configuration section: where the audit chain key comes from.</summary>
public sealed class AuditChainKeySettings
{
    public const string SectionName = "Audit";

    /// <summary>The key itself, base64 (at least 32 bytes): how production gives every instance the same key (a secret store, an environment variable).</summary>
    public string? ChainKey { get; set; }

    /// <summary>A file holding the key (base64), used when <see cref="ChainKey"/> is unset; created with mode 0600 on first start.</summary>
    public string? ChainKeyPath { get; set; }

    /// <summary>Keys used before a rotation (base64): still accepted when verifying the entries they sealed, never used to write.</summary>
    public List<string> RetiredChainKeys { get; set; } = [];
}

/// <summary>
/// The secret that seals audit entries (HMAC-SHA256). It is kept outside the database — configuration or a file beside
/// the portal — because a key stored in the database would be read by whoever can forge rows there. Each key is known
/// in the log by an id derived from it (never the key), so verification can tell "written with a key this instance does
/// not hold" (a configuration problem) from "forged".
/// </summary>
public sealed class AuditChainKeys
{
    public const int MinimumKeyBytes = 32;

    private readonly Dictionary<string, byte[]> _byId;

    public AuditChainKeys(byte[] current, IEnumerable<byte[]>? retired = null)
    {
        CurrentKey = Check(current);
        CurrentId = IdOf(current);
        _byId = new Dictionary<string, byte[]>(StringComparer.Ordinal) { [CurrentId] = current };
        foreach (var key in retired ?? [])
        {
            _byId.TryAdd(IdOf(Check(key)), key);
        }
    }

    /// <summary>The id stored with every entry this key seals.</summary>
    public string CurrentId { get; }

    internal byte[] CurrentKey { get; }

    internal byte[]? Find(string keyId) => _byId.GetValueOrDefault(keyId);

    /// <summary>A new random key of the minimum length.</summary>
    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(MinimumKeyBytes);

    /// <summary>A one-way id: HMAC of a fixed label under the key, shortened. It tells keys apart and reveals nothing of them.</summary>
    public static string IdOf(byte[] key) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("audit-chain-key-id")))[..16];

    private static byte[] Check(byte[] key) => key.Length >= MinimumKeyBytes
        ? key
        : throw new InvalidOperationException($"An audit chain key must be at least {MinimumKeyBytes} bytes (base64 of {MinimumKeyBytes} random bytes).");

    /// <summary>
    /// <c>Audit:ChainKey</c> when set; otherwise the key file (<c>Audit:ChainKeyPath</c>, default <c>keys/audit-chain.key</c>
    /// under the content root), made on first start. Several instances on one PostgreSQL need the same key: configure it.
    /// </summary>
    public static AuditChainKeys Load(IConfiguration configuration, IHostEnvironment environment, ILogger logger)
    {
        var settings = configuration.GetSection(AuditChainKeySettings.SectionName).Get<AuditChainKeySettings>() ?? new();
        var retired = settings.RetiredChainKeys.Where(k => !string.IsNullOrWhiteSpace(k)).Select(k => Decode(k, "Audit:RetiredChainKeys"));
        if (!string.IsNullOrWhiteSpace(settings.ChainKey))
        {
            return new AuditChainKeys(Decode(settings.ChainKey, "Audit:ChainKey"), retired);
        }

        var path = Path.GetFullPath(settings.ChainKeyPath is { Length: > 0 } configured
            ? configured
            : Path.Combine("keys", "audit-chain.key"), environment.ContentRootPath);
        if (!File.Exists(path))
        {
            try
            {
                CreateKeyFile(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new InvalidOperationException(
                    $"Could not create the audit chain key file {path} ({ex.Message}). Set Audit:ChainKey, or Audit:ChainKeyPath to a writable place.", ex);
            }

            logger.LogWarning(
                "Created the audit chain key {Path}. Back it up, apart from the database backups: entries it sealed cannot be verified without it. " +
                "Several portal instances must share one key (Audit:ChainKey).", path);
        }
        else if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) != 0)
        {
            logger.LogWarning("The audit chain key {Path} is readable by other users: restrict it to the portal's user (chmod 600).", path);
        }

        return new AuditChainKeys(Decode(File.ReadAllText(path).Trim(), path), retired);
    }

    private static void CreateKeyFile(string path)
    {
        var folder = Path.GetDirectoryName(path)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        // Written whole under a temporary name, then moved into place without overwriting: two instances starting
        // together on one folder end with one key, and none reads a half-written file.
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(Convert.ToBase64String(NewKey()));
        }

        try
        {
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
        }
    }

    private static byte[] Decode(string base64, string source)
    {
        try
        {
            return Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"The audit chain key in {source} is not base64.");
        }
    }
}
