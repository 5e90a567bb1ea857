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
    /// <summary>Stable, unique name: the job's row in <c>cluster_work</c> (e.g. <c>devices.health-sweep</c>).</summary>
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
/// Claims intervals of periodic work in the database. Time is cut into slots of the job's interval, aligned to the Unix
/// epoch, so every instance agrees where a slot starts. An instance runs a slot only when one conditional UPDATE moves the
/// job's <c>last_slot_at</c> forward to that slot, which succeeds for exactly one instance per slot. While it runs it holds
/// a lease (renewed by a heartbeat), so a run that overruns its interval is never joined by a second one; a holder that
/// dies mid-run frees the job when its lease expires. Works the same on SQLite (one node) and PostgreSQL (many).
/// Instances' clocks are assumed to agree within a small part of the interval (NTP): a clock far ahead claims early.
/// </summary>
public sealed class ClusterWork(IDbConnectionFactory db, ClusterNode node, TimeProvider clock, ILogger<ClusterWork> logger)
{
    /// <summary>Shortest lease: a run gets at least this long before another instance may assume its holder died.</summary>
    public static readonly TimeSpan MinimumLease = TimeSpan.FromSeconds(30);

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
        var slot = SlotOf(now, work.Interval);
        var lease = LeaseFor(work.Interval);
        await using (var connection = await db.OpenAsync(ct))
        {
            await connection.ExecuteAsync(new CommandDefinition(EnsureRow, new { name = work.Name, never = Never }, cancellationToken: ct));
            var claimed = await connection.ExecuteAsync(new CommandDefinition(
                Claim, new { name = work.Name, slot, holder = node.Id, leaseUntil = now + lease, now }, cancellationToken: ct));
            if (claimed != 1)
            {
                return false;
            }
        }

        using var running = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var heartbeat = HeartbeatAsync(work.Name, slot, lease, running.Token);
        try
        {
            await work.RunAsync(ct);
        }
        finally
        {
            await running.CancelAsync();
            await heartbeat;
            await ReleaseAsync(work.Name, slot);
        }

        return true;
    }

    private async Task HeartbeatAsync(string name, DateTimeOffset slot, TimeSpan lease, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await Task.Delay(lease / 3, clock, ct);
                await using var connection = await db.OpenAsync(ct);
                await connection.ExecuteAsync(new CommandDefinition(
                    Renew, new { name, holder = node.Id, slot, leaseUntil = clock.GetUtcNow() + lease }, cancellationToken: ct));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The run finished.
        }
        catch (Exception ex)
        {
            // Without renewal the lease lapses and another instance may start the next slot; the run itself carries on.
            logger.LogWarning(ex, "Renewing the lease of {Work} failed", name);
        }
    }

    private async Task ReleaseAsync(string name, DateTimeOffset slot)
    {
        try
        {
            await using var connection = await db.OpenAsync(CancellationToken.None);
            await connection.ExecuteAsync(new CommandDefinition(Release, new { name, holder = node.Id, slot, never = Never }));
        }
        catch (Exception ex)
        {
            // The lease then simply expires.
            logger.LogWarning(ex, "Releasing the lease of {Work} failed", name);
        }
    }
}

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
