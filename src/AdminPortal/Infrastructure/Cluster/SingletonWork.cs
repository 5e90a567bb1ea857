using System.Collections.Concurrent;
using AdminPortal.Infrastructure.Database;
using Dapper;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AdminPortal.Infrastructure.Cluster;

/// <summary>
/// Periodic background work that must run once per <see cref="Interval"/> across every portal instance on one database
/// (offline detection, SLA timers, rollout promotion). Register it with
/// <see cref="SingletonWorkServiceCollectionExtensions.AddSingletonWork{TWork}"/>; the runner calls
/// <see cref="RunAsync"/> only in the instance that claimed the current interval.
/// </summary>
public interface ISingletonWork
{
    /// <summary>Stable, unique name (e.g. <c>devices.health-sweep</c>): on PostgreSQL, its row in <c>cluster_work</c>.</summary>
    string Name { get; }

    TimeSpan Interval { get; }

    Task RunAsync(CancellationToken ct);
}

/// <summary>This process among the portal instances: a name that appears in <c>cluster_work.holder</c> and in logs.</summary>
public sealed class ClusterNode
{
    public string Id { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";
}

/// <summary>
/// Claims intervals of periodic work. Time is cut into slots of the job's interval, aligned to the Unix epoch, so every
/// instance agrees where a slot starts. An instance runs a slot only when it moves the job's last claimed slot forward to
/// that slot, which succeeds for exactly one instance per slot; while it runs, it holds the job, so a run that overruns
/// its interval is never joined by a second one.
/// <list type="bullet">
/// <item>PostgreSQL (several instances): the claim is one conditional UPDATE of the job's <c>cluster_work</c> row, and the
/// hold is a lease renewed by a heartbeat, so a holder that dies mid-run frees the job when its lease expires. Instances'
/// clocks are assumed to agree within a small part of the interval (NTP): a clock far ahead claims early.</item>
/// <item>SQLite (one portal process, the embedded database): the claims live in the process's memory, shared by every
/// <see cref="ClusterWork"/> on the same database file. Written to the database, each slot's claim and release were
/// writes by a second connection, and SQLite makes every other connection drop its whole page cache (and its memory map)
/// after one: the check-in writer then rebuilt its cache at the next slot boundary, every 30 s, and spent about 200 ms
/// more CPU doing it at 5,000 check-ins/s (docs/BENCHMARKS.md, update 2026-12-04 05:04). A restarted portal may run the
/// slot it restarted in once more; every job is written to be run again safely.</item>
/// </list>
/// </summary>
public sealed class ClusterWork(IDbConnectionFactory db, ClusterNode node, TimeProvider clock, ILogger<ClusterWork> logger)
{
    /// <summary>Shortest lease: a run gets at least this long before another instance may assume its holder died.</summary>
    public static readonly TimeSpan MinimumLease = TimeSpan.FromSeconds(30);

    private readonly IWorkClaims _claims = db is SqliteConnectionFactory sqlite ? ProcessClaims.Of(sqlite) : new DatabaseClaims(db);

    public string NodeId => node.Id;

    /// <summary>The start of the slot that <paramref name="time"/> falls in.</summary>
    public static DateTimeOffset SlotOf(DateTimeOffset time, TimeSpan interval)
    {
        var ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return DateTimeOffset.UnixEpoch.AddTicks(ticks - ticks % interval.Ticks);
    }

    public static TimeSpan LeaseFor(TimeSpan interval) => interval > MinimumLease ? interval : MinimumLease;

    /// <summary>
    /// Runs <paramref name="work"/> for the current slot if this instance claims it; false when another instance has
    /// this slot already or is still running an earlier one.
    /// </summary>
    public async Task<bool> TryRunAsync(ISingletonWork work, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var claim = new WorkClaim(work.Name, node.Id, SlotOf(now, work.Interval));
        var lease = LeaseFor(work.Interval);
        if (!await _claims.TryClaimAsync(claim, now, now + lease, ct))
        {
            return false;
        }

        using var running = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var heartbeat = _claims.Expires ? HeartbeatAsync(claim, lease, running.Token) : Task.CompletedTask;
        try
        {
            await work.RunAsync(ct);
        }
        finally
        {
            await running.CancelAsync();
            await heartbeat;
            await ReleaseAsync(claim);
        }

        return true;
    }

    /// <summary>The last claim of the job called <paramref name="name"/> (its holder and slot), or null if it never ran.</summary>
    public Task<WorkClaim?> LastClaimAsync(string name, CancellationToken ct = default) => _claims.LastClaimAsync(name, ct);

    private async Task HeartbeatAsync(WorkClaim claim, TimeSpan lease, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await Task.Delay(lease / 3, clock, ct);
                await _claims.RenewAsync(claim, clock.GetUtcNow() + lease, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The run finished.
        }
        catch (Exception ex)
        {
            // Without renewal the lease lapses and another instance may start the next slot; the run itself carries on.
            logger.LogWarning(ex, "Renewing the lease of {Work} failed", claim.Name);
        }
    }

    private async Task ReleaseAsync(WorkClaim claim)
    {
        try
        {
            await _claims.ReleaseAsync(claim);
        }
        catch (Exception ex)
        {
            // The lease then simply expires.
            logger.LogWarning(ex, "Releasing the lease of {Work} failed", claim.Name);
        }
    }

    /// <summary>Where claims are kept: <c>cluster_work</c> rows (PostgreSQL) or this process's memory (SQLite).</summary>
    private interface IWorkClaims
    {
        /// <summary>Whether a hold lapses unless renewed (a holder elsewhere may die without releasing it).</summary>
        bool Expires { get; }

        Task<bool> TryClaimAsync(WorkClaim claim, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken ct);

        Task RenewAsync(WorkClaim claim, DateTimeOffset leaseUntil, CancellationToken ct);

        Task ReleaseAsync(WorkClaim claim);

        Task<WorkClaim?> LastClaimAsync(string name, CancellationToken ct);
    }

    private sealed class DatabaseClaims(IDbConnectionFactory db) : IWorkClaims
    {
        private static readonly DateTimeOffset Never = DateTimeOffset.UnixEpoch;

        private const string EnsureRow =
            """
            INSERT INTO cluster_work (name, last_slot_at, holder, lease_until) VALUES (@name, @never, '', @never)
            ON CONFLICT (name) DO NOTHING
            """;

        private const string Claim =
            """
            UPDATE cluster_work SET last_slot_at = @slot, holder = @holder, lease_until = @leaseUntil
            WHERE name = @name AND last_slot_at < @slot AND lease_until <= @now
            """;

        private const string Renew =
            "UPDATE cluster_work SET lease_until = @leaseUntil WHERE name = @name AND holder = @holder AND last_slot_at = @slot";

        private const string Release =
            "UPDATE cluster_work SET lease_until = @never WHERE name = @name AND holder = @holder AND last_slot_at = @slot";

        public bool Expires => true;

        public async Task<bool> TryClaimAsync(WorkClaim claim, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken ct)
        {
            await using var connection = await db.OpenAsync(ct);
            await connection.ExecuteAsync(new CommandDefinition(EnsureRow, new { name = claim.Name, never = Never }, cancellationToken: ct));
            return await connection.ExecuteAsync(new CommandDefinition(
                Claim, new { name = claim.Name, slot = claim.Slot, holder = claim.Holder, leaseUntil, now }, cancellationToken: ct)) == 1;
        }

        public async Task RenewAsync(WorkClaim claim, DateTimeOffset leaseUntil, CancellationToken ct)
        {
            await using var connection = await db.OpenAsync(ct);
            await connection.ExecuteAsync(new CommandDefinition(
                Renew, new { name = claim.Name, holder = claim.Holder, slot = claim.Slot, leaseUntil }, cancellationToken: ct));
        }

        public async Task ReleaseAsync(WorkClaim claim)
        {
            await using var connection = await db.OpenAsync(CancellationToken.None);
            await connection.ExecuteAsync(new CommandDefinition(
                Release, new { name = claim.Name, holder = claim.Holder, slot = claim.Slot, never = Never }));
        }

        public async Task<WorkClaim?> LastClaimAsync(string name, CancellationToken ct)
        {
            await using var connection = await db.OpenAsync(ct);
            var rows = (await connection.QueryAsync<(string Holder, DateTimeOffset Slot)>(new CommandDefinition(
                "SELECT holder, last_slot_at FROM cluster_work WHERE name = @name AND holder <> ''", new { name }, cancellationToken: ct))).AsList();
            return rows.Count == 1 ? new WorkClaim(name, rows[0].Holder, rows[0].Slot) : null;
        }
    }

    /// <summary>Claims of every <see cref="ClusterWork"/> in this process on one SQLite database file.</summary>
    private sealed class ProcessClaims : IWorkClaims
    {
        private static readonly ConcurrentDictionary<string, ProcessClaims> ByDatabaseFile = new(StringComparer.Ordinal);

        private readonly Lock _gate = new();
        private readonly Dictionary<string, (WorkClaim Last, bool Running)> _jobs = new(StringComparer.Ordinal);

        public static ProcessClaims Of(SqliteConnectionFactory db) => ByDatabaseFile.GetOrAdd(db.DatabaseFile, _ => new ProcessClaims());

        // The holder is in this process: it cannot die and leave the job held, so a hold never needs to lapse.
        public bool Expires => false;

        public Task<bool> TryClaimAsync(WorkClaim claim, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken ct)
        {
            lock (_gate)
            {
                if (_jobs.TryGetValue(claim.Name, out var job) && (job.Running || job.Last.Slot >= claim.Slot))
                {
                    return Task.FromResult(false);
                }

                _jobs[claim.Name] = (claim, true);
                return Task.FromResult(true);
            }
        }

        public Task RenewAsync(WorkClaim claim, DateTimeOffset leaseUntil, CancellationToken ct) => Task.CompletedTask;

        public Task ReleaseAsync(WorkClaim claim)
        {
            lock (_gate)
            {
                if (_jobs.TryGetValue(claim.Name, out var job) && job.Last == claim)
                {
                    _jobs[claim.Name] = (claim, false);
                }
            }

            return Task.CompletedTask;
        }

        public Task<WorkClaim?> LastClaimAsync(string name, CancellationToken ct)
        {
            lock (_gate)
            {
                return Task.FromResult(_jobs.TryGetValue(name, out var job) ? job.Last : (WorkClaim?)null);
            }
        }
    }
}

/// <summary>One instance's claim of one slot of a job: who (<see cref="ClusterNode.Id"/>) runs it for which slot.</summary>
public sealed record WorkClaim(string Name, string Holder, DateTimeOffset Slot);

/// <summary>Wakes at the start of each slot of every registered <see cref="ISingletonWork"/> and tries to claim it.</summary>
internal sealed class SingletonWorkRunner(IEnumerable<ISingletonWork> works, ClusterWork cluster, TimeProvider clock, ILogger<SingletonWorkRunner> logger)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(works.Select(work => RunLoopAsync(work, stoppingToken)));

    private async Task RunLoopAsync(ISingletonWork work, CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await cluster.TryRunAsync(work, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The database may be down: the next slot tries again.
                logger.LogError(ex, "{Work} failed; it is tried again in the next interval", work.Name);
            }

            try
            {
                // Every instance wakes at the slot boundary, so one of them runs the job promptly in each interval.
                var now = clock.GetUtcNow();
                await Task.Delay(ClusterWork.SlotOf(now, work.Interval) + work.Interval - now, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}

public static class SingletonWorkServiceCollectionExtensions
{
    /// <summary>Registers <typeparamref name="TWork"/> (a singleton) to run once per interval across all instances.</summary>
    public static IServiceCollection AddSingletonWork<TWork>(this IServiceCollection services) where TWork : class, ISingletonWork
    {
        services.AddClusterWork();
        services.TryAddSingleton<TWork>();
        services.AddSingleton<ISingletonWork>(sp => sp.GetRequiredService<TWork>());
        return services;
    }

    internal static IServiceCollection AddClusterWork(this IServiceCollection services)
    {
        services.TryAddSingleton<ClusterNode>();
        services.TryAddSingleton<ClusterWork>();
        if (!services.Any(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(SingletonWorkRunner)))
        {
            services.AddHostedService<SingletonWorkRunner>();
        }

        return services;
    }
}
