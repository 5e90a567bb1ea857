namespace PortalBench;

/// <summary><c>--name value</c> switches after the command name.</summary>
public sealed class Options
{
    private readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _flags = new(StringComparer.OrdinalIgnoreCase);

    public Options(IEnumerable<string> args)
    {
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            if (!list[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Unexpected argument '{list[i]}'.");
            }

            var name = list[i][2..];
            if (i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                _values[name] = list[++i];
            }
            else
            {
                _flags.Add(name);
            }
        }
    }

    /// <summary><c>--portal-env NAME=VALUE</c> (environment of the portal process, for experiments), comma-separated.</summary>
    public IEnumerable<string> PortalEnvironment => Get("portal-env") is { } list ? list.Split(',') : [];

    public string Get(string name, string fallback) => _values.GetValueOrDefault(name, fallback);

    public string? Get(string name) => _values.GetValueOrDefault(name);

    public int Int(string name, int fallback) => _values.TryGetValue(name, out var v) ? int.Parse(v, Report.Invariant) : fallback;

    public double Double(string name, double fallback) => _values.TryGetValue(name, out var v) ? double.Parse(v, Report.Invariant) : fallback;

    public bool Flag(string name) => _flags.Contains(name);
}
