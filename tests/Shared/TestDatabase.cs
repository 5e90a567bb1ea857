using AdminPortal.Infrastructure.Database;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace AdminPortal.Testing;

/// <summary>
/// A fresh, empty database of either kind, dropped on dispose. PostgreSQL comes from the throwaway cluster that
/// ./test.sh starts (PORTAL_TEST_POSTGRES); without it PostgreSQL tests fail with a message rather than skip.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "PORTAL_TEST_POSTGRES";

    private TestDatabase(DatabaseProvider provider, string connectionString, string name)
    {
        Provider = provider;
        ConnectionString = connectionString;
        Name = name;
    }

    public DatabaseProvider Provider { get; }

    public string ConnectionString { get; }

    public string Name { get; }

    public static string PostgresServer =>
        Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{PostgresVariable} is not set: PostgreSQL tests need the throwaway cluster that ./test.sh starts " +
                $"(or set {PostgresVariable} to a server connection string such as Host=127.0.0.1;Port=5432;Username=postgres).");

    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider)
    {
        var name = $"portal_test_{Guid.NewGuid():N}";
        if (provider == DatabaseProvider.Sqlite)
        {
            var path = Path.Combine(Path.GetTempPath(), "adminportal-tests", name + ".db");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            return new TestDatabase(provider, $"Data Source={path}", name);
        }

        await using (var server = new NpgsqlConnection(PostgresServer))
        {
            await server.OpenAsync();
            await using var create = server.CreateCommand();
            create.CommandText = $"CREATE DATABASE {name}";
            await create.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(PostgresServer) { Database = name };
        return new TestDatabase(provider, builder.ConnectionString, name);
    }

    /// <summary>A migrated database with a connection factory, for data tests that need no web host.</summary>
    public static async Task<(TestDatabase Database, IDbConnectionFactory Connections)> CreateMigratedAsync(DatabaseProvider provider)
    {
        var database = await CreateAsync(provider);
        var connections = database.CreateConnectionFactory();
        await new DatabaseMigrator(connections, Microsoft.Extensions.Options.Options.Create(database.Options), NullLogger<DatabaseMigrator>.Instance).MigrateAsync();
        return (database, connections);
    }

    public DatabaseOptions Options => new() { Provider = Provider, ConnectionString = ConnectionString };

    public IDbConnectionFactory CreateConnectionFactory()
    {
        var services = new ServiceCollection();
        services.AddPortalDatabase(new ConfigurationBuilder().AddInMemoryCollection(Settings).Build());
        return services.BuildServiceProvider().GetRequiredService<IDbConnectionFactory>();
    }

    public IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Database:Provider", Provider.ToString()),
        new("Database:ConnectionString", ConnectionString),
    ];

    public async ValueTask DisposeAsync()
    {
        if (Provider == DatabaseProvider.Sqlite)
        {
            SqliteConnection.ClearAllPools();
            var path = new SqliteConnectionStringBuilder(ConnectionString).DataSource;
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(file);
            }

            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var server = new NpgsqlConnection(PostgresServer);
        await server.OpenAsync();
        await using var drop = server.CreateCommand();
        drop.CommandText = $"DROP DATABASE IF EXISTS {Name} WITH (FORCE)";
        await drop.ExecuteNonQueryAsync();
    }
}
