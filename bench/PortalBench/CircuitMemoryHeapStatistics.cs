using System.Diagnostics;
using System.Text.RegularExpressions;

namespace PortalBench;

/// <summary>
/// Which types a live circuit holds: a heap dump of the running app (<c>dotnet-dump collect --type Heap</c>) read back
/// with SOS's <c>dumpheap -stat -live</c>, taken at two numbers of open pages; the difference divided by the pages in
/// between is what one more circuit keeps, by type. Needs the dotnet-dump global tool (<c>dotnet tool install -g dotnet-dump</c>).
/// </summary>
public static partial class HeapStatistics
{
    public static async Task<Dictionary<string, (long Count, long Bytes)>> TakeAsync(int processId)
    {
        var tool = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools", "dotnet-dump");
        var dump = Path.Combine(Path.GetTempPath(), $"circuits-{processId}-{DateTime.UtcNow:HHmmss}.dmp");
        try
        {
            await RunAsync(tool, "collect", "-p", processId.ToString(Report.Invariant), "--type", "Heap", "-o", dump);
            var output = await RunAsync(tool, "analyze", dump, "-c", "dumpheap -stat -live", "-c", "exit");
            var types = new Dictionary<string, (long Count, long Bytes)>();
            foreach (var line in output.Split('\n'))
            {
                // "    MT        Count    TotalSize Class Name"
                var match = StatLine().Match(line);
                if (match.Success)
                {
                    var name = match.Groups["name"].Value.Trim();
                    var count = long.Parse(match.Groups["count"].Value.Replace(",", "", StringComparison.Ordinal), Report.Invariant);
                    var bytes = long.Parse(match.Groups["bytes"].Value.Replace(",", "", StringComparison.Ordinal), Report.Invariant);
                    types[name] = types.TryGetValue(name, out var seen) ? (seen.Count + count, seen.Bytes + bytes) : (count, bytes);
                }
            }

            return types;
        }
        finally
        {
            if (Environment.GetEnvironmentVariable("PORTALBENCH_KEEP_DUMPS") != "1")
            {
                File.Delete(dump);
            }
        }
    }

    public static void PrintGrowth(Dictionary<string, (long Count, long Bytes)> before, Dictionary<string, (long Count, long Bytes)> after, int circuits, int top = 150)
    {
        var growth = after
            .Select(t => (Name: t.Key, Count: t.Value.Count - before.GetValueOrDefault(t.Key).Count, Bytes: t.Value.Bytes - before.GetValueOrDefault(t.Key).Bytes))
            .OrderByDescending(t => t.Bytes)
            .ToList();
        Console.WriteLine($"  heap growth per circuit by type (total {growth.Sum(t => t.Bytes) / (double)circuits / 1024:0.0} KB):");
        foreach (var (name, count, bytes) in growth.Take(top))
        {
            Console.WriteLine($"  {bytes / (double)circuits,9:0} B {count / (double)circuits,7:0.0} objects  {name}");
        }

        // Every type, for looking up the small ones (a component instance is a few hundred bytes; its cost is in the
        // render-tree buffers above).
        var all = Path.Combine(Path.GetTempPath(), $"circuits-heap-growth-{DateTime.UtcNow:HHmmss}.txt");
        File.WriteAllLines(all, growth.Where(t => t.Count != 0 || t.Bytes != 0)
            .Select(t => $"{t.Bytes / (double)circuits,9:0} B {t.Count / (double)circuits,7:0.0} objects  {t.Name}"));
        Console.WriteLine($"  all types: {all}");
    }

    private static async Task<string> RunAsync(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {tool}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet-dump {arguments[0]} failed ({process.ExitCode}): {await output}{await errors}");
        }

        return await output;
    }

    [GeneratedRegex(@"^\s*[0-9a-fA-F]{8,16}\s+(?<count>[\d,]+)\s+(?<bytes>[\d,]+)\s+(?<name>.+)$")]
    private static partial Regex StatLine();
}
