using System.Globalization;
using System.Text;

namespace PortalBench;

/// <summary>Where a figure was measured, and how it is written into docs/BENCHMARKS.md.</summary>
public static class Report
{
    public static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>"2 × AMD EPYC 7B13, Debian GNU/Linux 12, .NET 10.0.x" from /proc/cpuinfo and /etc/os-release.</summary>
    public static string Machine()
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        var os = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?.Split('=', 2)[1].Trim('"')
            : null;
        return $"{Environment.ProcessorCount} × {cpu}, {os ?? Environment.OSVersion.ToString()}, .NET {Environment.Version}";
    }

    /// <summary>The 1-minute load average: how much other work wanted the cores.</summary>
    public static double LoadAverage() =>
        double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], Invariant);

    /// <summary>
    /// The machine's CPU time so far as (stolen, total) jiffies from /proc/stat: on a virtual machine, time the host gave
    /// this machine's runnable threads to another guest. Between two readings it tells a phase slowed by a busy host from
    /// one slowed by its own work.
    /// </summary>
    public static (long Steal, long Total) CpuTime()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
        // user nice system idle iowait irq softirq steal [guest guest_nice, already counted in user and nice]
        return (fields.Length > 7 ? fields[7] : 0, fields.Take(8).Sum());
    }

    public static double StealPercent((long Steal, long Total) before, (long Steal, long Total) after) =>
        after.Total > before.Total ? 100.0 * (after.Steal - before.Steal) / (after.Total - before.Total) : 0;

    public static string Now() => DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", Invariant);

    /// <summary>The command as typed, for the record.</summary>
    public static string Command(string[] args) =>
        "dotnet run -c Release --project bench/PortalBench -- " + string.Join(' ', args.Select(a => a.Contains(' ') ? $"\"{a}\"" : a));

    public static string Ms(double milliseconds) => milliseconds switch
    {
        < 1 => milliseconds.ToString("0.000", Invariant) + " ms",
        < 10 => milliseconds.ToString("0.0", Invariant) + " ms",
        _ => milliseconds.ToString("0", Invariant) + " ms",
    };

    public static string Count(double value) => value.ToString("N0", Invariant);

    /// <summary>
    /// Appends a row to the table of <paramref name="heading"/> in docs/BENCHMARKS.md, creating the section (with its
    /// introduction and table header) at the end of the file the first time.
    /// </summary>
    public static void Append(string heading, string introduction, string[] columns, string[] cells)
    {
        var path = Path.Combine(PortalProcess.RepositoryRoot, "docs", "BENCHMARKS.md");
        var lines = File.ReadAllLines(path).ToList();
        var row = "| " + string.Join(" | ", cells.Select(c => c.Replace("|", "\\|"))) + " |";
        var start = lines.FindIndex(l => l.Trim() == heading);
        if (start < 0)
        {
            while (lines.Count > 0 && lines[^1].Trim().Length == 0)
            {
                lines.RemoveAt(lines.Count - 1);
            }

            lines.Add("");
            lines.Add(heading);
            lines.Add("");
            lines.AddRange(introduction.Split('\n'));
            lines.Add("");
            lines.Add("| " + string.Join(" | ", columns) + " |");
            lines.Add("|" + string.Concat(columns.Select(_ => "---|")));
            lines.Add(row);
        }
        else
        {
            var end = lines.FindIndex(start + 1, l => l.StartsWith("## ", StringComparison.Ordinal));
            end = end < 0 ? lines.Count : end;
            var header = "| " + string.Join(" | ", columns) + " |";
            var table = lines.FindIndex(start + 1, end - start - 1, l => l.Trim() == header);
            if (table < 0)
            {
                lines.InsertRange(end, ["", header, "|" + string.Concat(columns.Select(_ => "---|")), row, ""]);
            }
            else
            {
                var last = table;
                while (last + 1 < lines.Count && lines[last + 1].StartsWith('|'))
                {
                    last++;
                }

                lines.Insert(last + 1, row);
            }
        }

        File.WriteAllText(path, string.Join('\n', lines) + "\n", new UTF8Encoding(false));
        Console.WriteLine($"Recorded in docs/BENCHMARKS.md under '{heading}'.");
    }
}

/// <summary>Latencies of one measurement, in Stopwatch ticks, and their percentiles.</summary>
public sealed class Latencies
{
    private readonly List<long> _ticks = new(1 << 16);

    public int Count => _ticks.Count;

    public void Add(long ticks)
    {
        lock (_ticks)
        {
            _ticks.Add(ticks);
        }
    }

    public void AddRange(List<long> ticks)
    {
        lock (_ticks)
        {
            _ticks.AddRange(ticks);
        }
    }

    /// <summary>The value at or below which <paramref name="percent"/> of the samples lie, in milliseconds.</summary>
    public double Percentile(double percent)
    {
        lock (_ticks)
        {
            if (_ticks.Count == 0)
            {
                return double.NaN;
            }

            _ticks.Sort();
            var index = (int)Math.Ceiling(percent / 100.0 * _ticks.Count) - 1;
            return _ticks[Math.Clamp(index, 0, _ticks.Count - 1)] * 1000.0 / System.Diagnostics.Stopwatch.Frequency;
        }
    }
}
