using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace AdminPortal.Infrastructure.Database;

/// <summary>
/// One read query kept prepared on a few long-lived SQLite connections, for a query that request threads run many times
/// a second each on its own: the device API's identity lookup of a terminal that is not cached, which on SQLite runs
/// inline on the request's thread. Opening a pooled connection and parsing the statement again for every lookup, through
/// Dapper, cost about 75 µs of CPU per check-in with every terminal a miss, as in a real estate (docs/BENCHMARKS.md,
/// update 2026-12-03 07:44). A run rents a connection with its prepared command, or opens one when all are in use, and
/// gives it back; each read is its own short read transaction, so the connections never hold back the WAL.
/// </summary>
internal sealed class SqlitePreparedQuery : IDisposable
{
    private readonly IDbConnectionFactory _db;
    private readonly string _sql;
    private readonly string[] _parameterNames;
    private readonly int _maxIdle;
    private readonly ConcurrentBag<SqliteCommand> _idle = [];
    private bool _disposed;

    /// <param name="parameterNames">The statement's parameters (<c>$name</c>), bound in this order by <see cref="RunAsync{T}"/>.</param>
    public SqlitePreparedQuery(IDbConnectionFactory db, string sql, params string[] parameterNames)
    {
        if (db.Dialect.IsPostgres)
        {
            throw new ArgumentException("A SQLite prepared query needs the SQLite connection factory.", nameof(db));
        }

        _db = db;
        _sql = sql;
        _parameterNames = parameterNames;
        // Enough for every thread-pool thread of a busy machine; more are closed on return instead of kept.
        _maxIdle = Math.Max(4, Environment.ProcessorCount * 2);
    }

    /// <summary>Runs the query with these values (one per parameter, in order) and reads its rows with <paramref name="read"/>.</summary>
    public async Task<T> RunAsync<T>(IReadOnlyList<object?> values, Func<SqliteDataReader, T> read, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_idle.TryTake(out var command))
        {
            command = await PrepareAsync(ct);
        }

        var healthy = false;
        try
        {
            for (var i = 0; i < _parameterNames.Length; i++)
            {
                command.Parameters[i].Value = values[i] ?? DBNull.Value;
            }

            T result;
            using (var reader = command.ExecuteReader())
            {
                result = read(reader);
            }

            healthy = true;
            return result;
        }
        finally
        {
            if (healthy && !_disposed && _idle.Count < _maxIdle)
            {
                _idle.Add(command);
            }
            else
            {
                Close(command);
            }
        }
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryTake(out var command))
        {
            Close(command);
        }
    }

    private async Task<SqliteCommand> PrepareAsync(CancellationToken ct)
    {
        var connection = (SqliteConnection)await _db.OpenAsync(ct);
        var command = connection.CreateCommand();
        command.CommandText = _sql;
        foreach (var name in _parameterNames)
        {
            command.Parameters.Add(new SqliteParameter(name, DBNull.Value));
        }

        command.Prepare();
        return command;
    }

    private static void Close(SqliteCommand command)
    {
        var connection = command.Connection;
        command.Dispose();
        connection?.Dispose();
    }
}
