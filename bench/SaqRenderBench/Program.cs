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

var times = new List<double>();
for (var i = 0; i < runs; i++)
{
    var watch = Stopwatch.StartNew();
    pdf = renderer.Render(model);
    times.Add(watch.Elapsed.TotalMilliseconds);
}

times.Sort();
Console.WriteLine($"SAQ {model.Saq.Name}: {model.RequirementCount} requirements, {pdf.Length / 1024} KB");
Console.WriteLine($"cold {cold.Elapsed.TotalMilliseconds:F0} ms; warm over {runs} runs: median {times[runs / 2]:F0} ms, min {times[0]:F0} ms, max {times[^1]:F0} ms");
if (outIndex >= 0 && outIndex + 1 < args.Length)
{
    File.WriteAllBytes(args[outIndex + 1], pdf);
    Console.WriteLine($"wrote {args[outIndex + 1]}");
}
