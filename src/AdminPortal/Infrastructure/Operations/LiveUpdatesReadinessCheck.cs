using AdminPortal.Infrastructure.LiveUpdates;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AdminPortal.Infrastructure.Operations;

/// <summary>
/// Degraded (still 200) while the LISTEN connection is down: the instance serves correct data, only pushes from other
/// instances to its open pages pause until the listener reconnects by itself.
/// </summary>
internal sealed class LiveUpdatesReadinessCheck(PostgresLiveUpdates live) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(live.IsListening
            ? HealthCheckResult.Healthy("Live updates connected.")
            : HealthCheckResult.Degraded("Not listening for live updates from other instances; reconnecting."));
}
