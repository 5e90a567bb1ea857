using DbUp;
using DbUp.Builder;
using DbUp.Engine;
using DbUp.Engine.Output;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AdminPortal.Infrastructure.Database;

public sealed class MigrationFailedException(string message, Exception? inner) : Exception(message, inner);

/// <summary>
/// Applies the numbered plain-SQL files of <c>migrations/&lt;dialect&gt;/</c> through DbUp: each once, each in its own
/// transaction, recorded in <c>schema_versions</c>.
/// </summary>
public sealed class DatabaseMigrator(IDbConnectionFactory connections, IOptions<DatabaseOptions> options, ILogger<DatabaseMigrator> logger)
{
    private const string JournalTable = "schema_versions";

    // Several portal instances may start together on one PostgreSQL: only one migrates at a time.
    private const long PostgresMigrationLockKey = 0x5041_4D49_4752; // "PAMIGR"

    public string ScriptsFolder => options.Value.ResolveMigrationsFolder();

    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(ScriptsFolder))
        {
            throw new MigrationFailedException($"The migrations folder {ScriptsFolder} does not exist.", null);
        }

        await using var lockConnection = connections.Dialect.IsPostgres ? await connections.OpenAsync(cancellationToken) : null;
        if (lockConnection is not null)
        {
            await using var takeLock = lockConnection.CreateCommand();
            takeLock.CommandText = $"SELECT pg_advisory_lock({PostgresMigrationLockKey})";
            await takeLock.ExecuteNonQueryAsync(cancellationToken);
        }

        var result = BuildEngine().PerformUpgrade();
        if (!result.Successful)
        {
            var script = result.ErrorScript?.Name ?? "(unknown script)";
            throw new MigrationFailedException(
                $"Migration {script} in {ScriptsFolder} failed: {result.Error?.Message}", result.Error);
        }

        var applied = result.Scripts.Select(s => s.Name).ToList();
        foreach (var name in applied)
        {
            logger.LogInformation("Applied migration {Script}", name);
        }

        return applied;
    }

    /// <summary>Scripts in the folder that the database has not recorded yet.</summary>
    public IReadOnlyList<string> PendingScripts() =>
        BuildEngine().GetScriptsToExecute().Select(s => s.Name).ToList();

    private UpgradeEngine BuildEngine()
    {
        var builder = connections switch
        {
            SqliteConnectionFactory sqlite => DeployChanges.To.SqliteDatabase(sqlite.ConnectionString).JournalToSqliteTable(JournalTable),
            PostgresConnectionFactory postgres => DeployChanges.To
                .PostgresqlDatabase(postgres.DataSource.ConnectionString)
                .JournalToPostgresqlTable("public", JournalTable),
            _ => throw new InvalidOperationException($"No migration support for {connections.GetType().Name}."),
        };

        return builder
            .WithScriptsFromFileSystem(ScriptsFolder)
            .WithTransactionPerScript()
            .LogTo(new UpgradeLog(logger))
            .Build();
    }

    private sealed class UpgradeLog(ILogger logger) : IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) => logger.LogTrace(format, args);
        public void LogDebug(string format, params object[] args) => logger.LogDebug(format, args);
        public void LogInformation(string format, params object[] args) => logger.LogDebug(format, args);
        public void LogWarning(string format, params object[] args) => logger.LogWarning(format, args);
        public void LogError(string format, params object[] args) => logger.LogError(format, args);
        public void LogError(Exception ex, string format, params object[] args) => logger.LogError(ex, format, args);
    }
}
