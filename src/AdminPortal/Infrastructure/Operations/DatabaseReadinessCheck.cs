using System.Data.Common;
using AdminPortal.Infrastructure.Database;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AdminPortal.Infrastructure.Operations;

/// <summary>Ready when the database answers and has every migration of this build applied.</summary>
internal sealed class DatabaseReadinessCheck(IDbConnectionFactory connections, DatabaseMigrator migrator) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(cancellationToken);
        }
        catch (DbException ex)
        {
            return HealthCheckResult.Unhealthy("The database does not answer.", ex);
        }

        var pending = migrator.PendingScripts();
        return pending.Count == 0
            ? HealthCheckResult.Healthy($"{connections.Dialect.Provider} database reachable, migrations current.")
            : HealthCheckResult.Unhealthy($"{pending.Count} migrations pending: {string.Join(", ", pending)}");
    }
}
