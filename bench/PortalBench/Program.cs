namespace PortalBench;

// One command per measure of issue 10. Each hosts the real portal (Release, loopback, fresh database), prints its
// figure and appends it to docs/BENCHMARKS.md (--no-record to only print). --db sqlite|postgres picks the database;
// --postgres "<connection string>" points at another PostgreSQL server than the shared one on 127.0.0.1:55432.
// (Not a top-level program: "Program" is the portal's entry type, which the in-process host needs.)
public static class BenchCommands
{
    public static async Task<int> Main(string[] args)
    {
        var commands = new Dictionary<string, (string Summary, Func<string[], Options, Task<int>> Run)>(StringComparer.OrdinalIgnoreCase)
        {
            ["checkins"] = ("durable device check-ins per second, p50/p99 at max rate and at --rate/s", CheckInBench.RunAsync),
            ["transactions"] = ("transaction events persisted and scored per second; per-event rule evaluation p50/p99", TransactionBench.RunAsync),
            ["device-list"] = ("device list filter + page (rows and pager count) over --devices (1,000,000), p50/p95", DeviceListBench.RunAsync),
            ["ingest-to-screen"] = ("time from a batch's 202 to its alert on an open fraud queue page (Chromium), p50/p95", IngestToScreenBench.RunAsync),
            ["disk"] = ("the disk alone under the portal's write pattern at 5,000 check-ins/s: WAL sync latency and the check-in latency it allows", DiskBench.RunAsync),
            ["circuits"] = ("server memory per live circuit: --pages (200) --first (50) signed-in portal pages (--portal-path, default fraud; --no-demo-data) vs a stock counter page", CircuitMemoryBench.RunAsync),
        };

        if (args.Length == 0 || !commands.TryGetValue(args[0], out var command))
        {
            Console.WriteLine("dotnet run -c Release --project bench/PortalBench -- <command> [--db sqlite|postgres] [options]");
            foreach (var (name, (summary, _)) in commands)
            {
                Console.WriteLine($"  {name,-18} {summary}");
            }

            return args.Length == 0 ? 0 : 2;
        }

        return await command.Run(args, new Options(args.Skip(1)));
    }
}
