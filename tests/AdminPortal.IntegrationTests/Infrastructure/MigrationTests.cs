using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AdminPortal.IntegrationTests.Infrastructure;

public sealed class MigrationTests
{
    private static readonly string RepositoryMigrations = Path.Combine(AppContext.BaseDirectory, "migrations");

    [Fact]
    public void Both_dialect_folders_hold_the_same_numbered_files()
    {
        static string[] Names(string dialect) => Directory.GetFiles(Path.Combine(RepositoryMigrations, dialect), "*.sql")
            .Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

        var sqlite = Names("sqlite");
        Assert.NotEmpty(sqlite);
        Assert.Equal(sqlite, Names("postgres"));
        Assert.All(sqlite, name => Assert.Matches(@"^\d{4}_[a-z0-9_]+\.sql$", name));
        Assert.Equal(sqlite.Length, sqlite.Select(n => n[..4]).Distinct().Count());
    }

    [Theory, BothDatabases]
    public async Task Migrations_apply_to_an_empty_database_once(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var connections = database.CreateConnectionFactory();
        var migrator = new DatabaseMigrator(connections, Options.Create(database.Options), NullLogger<DatabaseMigrator>.Instance);

        var first = await migrator.MigrateAsync();
        var second = await migrator.MigrateAsync();

        Assert.Contains("0001_merchants_and_stores.sql", first);
        Assert.Empty(second);
        Assert.Empty(migrator.PendingScripts());
        await using var connection = await connections.OpenAsync();
        Assert.Equal(0L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM stores"));
        Assert.Equal((long)first.Count, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM schema_versions"));
    }

    [Theory, BothDatabases]
    public async Task A_failing_script_stops_with_its_file_name_and_leaves_nothing_half_done(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var folder = Path.Combine(Path.GetTempPath(), "adminportal-tests", Guid.NewGuid().ToString("N"));
        var dialectFolder = Path.Combine(folder, SqlDialect.For(provider).MigrationsFolder);
        Directory.CreateDirectory(dialectFolder);
        await File.WriteAllTextAsync(Path.Combine(dialectFolder, "0001_good.sql"), "CREATE TABLE good_table (id integer PRIMARY KEY);");
        await File.WriteAllTextAsync(Path.Combine(dialectFolder, "0002_broken.sql"),
            "CREATE TABLE half_done (id integer PRIMARY KEY); INSERT INTO no_such_table VALUES (1);");
        var options = database.Options;
        options.MigrationsPath = folder;
        var connections = database.CreateConnectionFactory();
        var migrator = new DatabaseMigrator(connections, Options.Create(options), NullLogger<DatabaseMigrator>.Instance);

        var error = await Assert.ThrowsAsync<MigrationFailedException>(() => migrator.MigrateAsync());

        Assert.Contains("0002_broken.sql", error.Message);
        await using var connection = await connections.OpenAsync();
        var tables = provider == DatabaseProvider.Sqlite
            ? "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = @name"
            : "SELECT count(*) FROM information_schema.tables WHERE table_name = @name";
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>(tables, new { name = "good_table" }));
        Assert.Equal(0L, await connection.ExecuteScalarAsync<long>(tables, new { name = "half_done" }));
        Directory.Delete(folder, recursive: true);
    }
}
