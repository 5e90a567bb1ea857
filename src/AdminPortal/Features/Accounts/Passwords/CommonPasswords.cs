using System.Collections.Frozen;

namespace AdminPortal.Features.Accounts.Passwords;

/// <summary>The common-password list embedded in the portal (one password a line), compared case-insensitively.</summary>
public sealed class CommonPasswords
{
    private const string ResourceName = "AdminPortal.Features.Accounts.Passwords.common-passwords.txt";

    private readonly FrozenSet<string> _passwords;

    public CommonPasswords()
    {
        using var stream = typeof(CommonPasswords).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing.");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && !line.StartsWith('#'))
            {
                set.Add(line);
            }
        }

        _passwords = set.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
    }

    public int Count => _passwords.Count;

    public bool Contains(string password) => _passwords.Contains(password);
}
