using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace AdminPortal.Infrastructure.Database;

/// <summary>Opens connections to the portal database; the only type that knows which provider is configured.</summary>
public interface IDbConnectionFactory
{
    SqlDialect Dialect { get; }

    Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default);
}

internal sealed class SqliteConnectionFactory : IDbConnectionFactory
{
    private readonly string _connectionString;

    public SqliteConnectionFactory(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString) { ForeignKeys = true, Pooling = true };
        if (builder.DataSource is { Length: > 0 } path && path != ":memory:" && builder.Mode != SqliteOpenMode.Memory)
        {
            var fullPath = Path.GetFullPath(path, Directory.GetCurrentDirectory());
            Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
            builder.DataSource = fullPath;
        }

        builder.DefaultTimeout = 30;
        _connectionString = builder.ToString();
        DatabaseFile = builder.DataSource;
        InitialiseJournal();
    }

    public SqlDialect Dialect => SqlDialect.Sqlite;

    public string ConnectionString => _connectionString;

    public string DatabaseFile { get; }

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        // Per-connection setting: wait for a busy writer instead of failing at once. The C call is what
        // `PRAGMA busy_timeout` does, without preparing a statement on every open of a pooled connection.
        var result = SQLitePCL.raw.sqlite3_busy_timeout(connection.Handle, 10_000);
        if (result != SQLitePCL.raw.SQLITE_OK)
        {
            await connection.DisposeAsync();
            throw new SqliteException($"Setting the busy timeout failed ({result}).", result);
        }

        return connection;
    }

    private void InitialiseJournal()
    {
        // WAL lets readers proceed during a write; the setting is stored in the file, so once is enough.
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL;";
        command.ExecuteNonQuery();
    }
}

internal sealed class PostgresConnectionFactory(NpgsqlDataSource dataSource) : IDbConnectionFactory
{
    public SqlDialect Dialect => SqlDialect.Postgres;

    public NpgsqlDataSource DataSource => dataSource;

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default) =>
        await dataSource.OpenConnectionAsync(cancellationToken);
}
