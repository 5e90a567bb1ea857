using System.Diagnostics;
using AdminPortal.Features.Compliance.Export;

// Usage: dotnet run -c Release --project bench/SaqRenderBench -- [SAQ code, default D] [runs, default 20] [--out file.pdf]
var code = args.FirstOrDefault(a => !a.StartsWith("--") && !int.TryParse(a, out _)) ?? "D";
var runs = args.Select(a => int.TryParse(a, out var n) ? n : 0).FirstOrDefault(n => n > 0, 20);
var outIndex = Array.IndexOf(args, "--out");

var model = SaqSampleModel.Create(code);
var renderer = new SaqPdfRenderer();
var cold = Stopwatch.StartNew();
var pdf = renderer.Render(model);
cold.Stop();
for (var i = 0; i < 3; i++)
{
    renderer.Render(model);
}

// Wall time suffers when other work shares the cores; CPU time of this process shows the render's own cost.
var process = Process.GetCurrentProcess();
var times = new List<double>();
var cpu = new List<double>();
for (var i = 0; i < runs; i++)
{
    process.Refresh();
    var cpuBefore = process.TotalProcessorTime;
    var watch = Stopwatch.StartNew();
    pdf = renderer.Render(model);
    times.Add(watch.Elapsed.TotalMilliseconds);
    process.Refresh();
    cpu.Add((process.TotalProcessorTime - cpuBefore).TotalMilliseconds);
}

times.Sort();
cpu.Sort();
Console.WriteLine($"SAQ {model.Saq.Name}: {model.RequirementCount} requirements, {pdf.Length / 1024} KB");
Console.WriteLine($"cold {cold.Elapsed.TotalMilliseconds:F0} ms; warm over {runs} runs: wall median {times[runs / 2]:F0} ms, min {times[0]:F0} ms, max {times[^1]:F0} ms; " +
                  $"CPU median {cpu[runs / 2]:F0} ms, min {cpu[0]:F0} ms; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
if (outIndex >= 0 && outIndex + 1 < args.Length)
{
    File.WriteAllBytes(args[outIndex + 1], pdf);
    Console.WriteLine($"wrote {args[outIndex + 1]}");
}
