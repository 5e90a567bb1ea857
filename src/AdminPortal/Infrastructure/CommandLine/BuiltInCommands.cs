using AdminPortal.Infrastructure.Database;

namespace AdminPortal.Infrastructure.CommandLine;

internal sealed class MigrateCommand(DatabaseMigrator migrator, IDbConnectionFactory connections) : IPortalCommand
{
    public string Name => "migrate";

    public string Summary => "Apply pending database migrations and exit.";

    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken cancellationToken)
    {
        // The command line has already migrated before running any command; report the state it left.
        var pending = migrator.PendingScripts();
        await output.WriteLineAsync(pending.Count == 0
            ? $"The {connections.Dialect.Provider} database is up to date ({migrator.ScriptsFolder})."
            : $"{pending.Count} migrations are still pending.");
        return pending.Count == 0 ? 0 : 1;
    }
}

/// <summary>Demo data of one slice; <c>seed-demo</c> runs every registered seeder in <see cref="Order"/>.</summary>
public interface IDemoSeeder
{
    int Order { get; }

    /// <summary>Must be idempotent: running it twice leaves the same data as once.</summary>
    Task<string> SeedAsync(CancellationToken cancellationToken);
}

internal sealed class SeedDemoCommand(IEnumerable<IDemoSeeder> seeders) : IPortalCommand
{
    public string Name => "seed-demo";

    public string Summary => "Add demo merchants, stores and each area's demo data (idempotent).";

    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken cancellationToken)
    {
        foreach (var seeder in seeders.OrderBy(s => s.Order))
        {
            await output.WriteLineAsync(await seeder.SeedAsync(cancellationToken));
        }

        return 0;
    }
}
