using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AdminPortal.IntegrationTests.TestSupport;

/// <summary>
/// A test database migrated up to, but not including, one migration, which <see cref="UpgradeAsync"/> then applies: for
/// tests that a migration keeps what an older portal stored. The migrations are copied into a folder of their own, so
/// the migrator sees the older set first.
/// </summary>
public sealed class DatabaseOneMigrationBehind : IDisposable
{
    private readonly string _folder;
    private readonly string _source;
    private readonly string _dialectFolder;
    private readonly string _migration;
    private readonly DatabaseMigrator _migrator;

    private DatabaseOneMigrationBehind(TestDatabase database, DatabaseProvider provider, string migration)
    {
        _migration = migration;
        var dialect = SqlDialect.For(provider).MigrationsFolder;
        _folder = Path.Combine(Path.GetTempPath(), "adminportal-tests", Guid.NewGuid().ToString("N"));
        _dialectFolder = Path.Combine(_folder, dialect);
        _source = Path.Combine(AppContext.BaseDirectory, "migrations", dialect);
        Directory.CreateDirectory(_dialectFolder);
        foreach (var file in Directory.GetFiles(_source, "*.sql").Where(f => string.CompareOrdinal(Path.GetFileName(f), migration) < 0))
        {
            File.Copy(file, Path.Combine(_dialectFolder, Path.GetFileName(file)));
        }

        var options = database.Options;
        options.MigrationsPath = _folder;
        Connections = database.CreateConnectionFactory();
        _migrator = new DatabaseMigrator(Connections, Options.Create(options), NullLogger<DatabaseMigrator>.Instance);
    }

    public IDbConnectionFactory Connections { get; }

    /// <summary>Migrates <paramref name="database"/> up to the migration before <paramref name="migration"/> (a file name).</summary>
    public static async Task<DatabaseOneMigrationBehind> CreateAsync(TestDatabase database, DatabaseProvider provider, string migration)
    {
        var behind = new DatabaseOneMigrationBehind(database, provider, migration);
        await behind._migrator.MigrateAsync();
        return behind;
    }

    /// <summary>Applies the migration held back; returns what the migrator applied.</summary>
    public async Task<IReadOnlyList<string>> UpgradeAsync()
    {
        File.Copy(Path.Combine(_source, _migration), Path.Combine(_dialectFolder, _migration));
        return await _migrator.MigrateAsync();
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
