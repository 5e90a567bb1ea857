using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace AdminPortal.Infrastructure.Database;

/// <summary>Opens connections to the portal database; the only type that knows which provider is configured.</summary>
public interface IDbConnectionFactory
{
    SqlDialect Dialect { get; }

    Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// A connection for code that runs the same few statements many times a second: the device API's writers and identity
    /// lookup, the transaction ingestor. On PostgreSQL those statements are prepared on its connections (see
    /// <see cref="PostgresConnectionFactory"/>); elsewhere it is any connection.
    /// </summary>
    Task<DbConnection> OpenForRepeatedStatementsAsync(CancellationToken cancellationToken = default) => OpenAsync(cancellationToken);
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

/// <summary>
/// PostgreSQL through two pools of the same server. The repeated-statements pool prepares a statement once it has run
/// twice on a connection, so the server stops parsing and planning it at every batch: the check-in writer's statements
/// at 5,000 check-ins/s took 77 % of a core in PostgreSQL unprepared and 57 % prepared (docs/BENCHMARKS.md, update
/// 2026-12-02 07:43–09:00). The main pool does not: the best plan of a page's query depends on its values (a merchant
/// with a million terminals or with ten), and after five runs PostgreSQL may settle a prepared statement on one plan.
/// </summary>
internal sealed class PostgresConnectionFactory : IDbConnectionFactory, IAsyncDisposable, IDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlDataSource _repeatedStatements;

    public PostgresConnectionFactory(string connectionString)
    {
        _dataSource = NpgsqlDataSource.Create(connectionString);
        var repeated = new NpgsqlDataSourceBuilder(connectionString);
        repeated.ConnectionStringBuilder.MaxAutoPrepare = Math.Max(repeated.ConnectionStringBuilder.MaxAutoPrepare, 32);
        repeated.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        // A connection back in this pool is handed out as it is: Npgsql's reset otherwise sends seven statements (SET
        // SESSION AUTHORIZATION DEFAULT, RESET ALL, pg_advisory_unlock_all(), CLOSE ALL, UNLISTEN *, DISCARD SEQUENCES,
        // DISCARD TEMP) ahead of the next query, and the credential lookups take a connection ~1,000 times a second at
        // 5,000 check-ins/s (pg_stat_statements, docs/BENCHMARKS.md update 2026-12-04). Its users change no session state
        // (no SET, temporary table, advisory lock or LISTEN): keep it so. An open transaction is still rolled back on return.
        repeated.ConnectionStringBuilder.NoResetOnClose = true;
        _repeatedStatements = repeated.Build();
    }

    public SqlDialect Dialect => SqlDialect.Postgres;

    public NpgsqlDataSource DataSource => _dataSource;

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    public async Task<DbConnection> OpenForRepeatedStatementsAsync(CancellationToken cancellationToken = default) =>
        await _repeatedStatements.OpenConnectionAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _repeatedStatements.DisposeAsync();
        await _dataSource.DisposeAsync();
    }

    public void Dispose()
    {
        _repeatedStatements.Dispose();
        _dataSource.Dispose();
    }
}
