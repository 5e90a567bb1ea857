using System.Data.Common;
using System.Globalization;
using System.Text;

namespace AdminPortal.Infrastructure.Database;

/// <summary>
/// PostgreSQL: inserts many rows inside the caller's transaction in multi-row <c>INSERT … VALUES (…), (…) … RETURNING</c>
/// statements (a round trip per statement, not per row), skipping rows whose conflict key already exists, and says which
/// rows were new. SQLite writers run in-process and bind each row by position instead (<see cref="SqlitePreparedStatement"/>):
/// there a multi-row statement is slow, because binding a named parameter is a linear search over the statement's
/// parameters.
/// Plain ADO.NET, not Dapper (Dapper checks each added parameter against the whole collection); values go through
/// <see cref="SqlDialect.ToParameterValue"/> so they are stored exactly as the Dapper type handlers store them.
/// </summary>
public static class MultiRowInsert
{
    private const int PostgresParametersPerStatement = 16_000;

    /// <param name="table">Table name (a constant of the caller, never input).</param>
    /// <param name="columns">Column names; <paramref name="values"/> yields each row's values in the same order.</param>
    /// <param name="conflictColumns">The unique key; must be a prefix-free subset of <paramref name="columns"/>.</param>
    /// <param name="anyUniqueIndex">Skip a row that conflicts on any unique index of the table, not only on
    /// <paramref name="conflictColumns"/> (which then only identify the inserted rows).</param>
    /// <returns>Indexes (into <paramref name="rows"/>) of the rows that were inserted.</returns>
    public static async Task<HashSet<int>> InsertIgnoringConflictsAsync<T>(DbConnection connection, DbTransaction transaction, SqlDialect dialect,
        string table, IReadOnlyList<string> columns, IReadOnlyList<T> rows, Func<T, object?[]> values, IReadOnlyList<string> conflictColumns,
        CancellationToken ct, bool anyUniqueIndex = false)
    {
        if (!dialect.IsPostgres)
        {
            throw new NotSupportedException("SQLite writers bind their rows with SqlitePreparedStatement.");
        }

        var conflict = anyUniqueIndex ? "ON CONFLICT DO NOTHING" : SqlDialect.OnConflictDoNothing(string.Join(", ", conflictColumns));
        return await InsertMultiRowAsync(connection, transaction, dialect, table, columns, rows, values, conflictColumns, conflict, ct);
    }

    private static async Task<HashSet<int>> InsertMultiRowAsync<T>(DbConnection connection, DbTransaction transaction, SqlDialect dialect,
        string table, IReadOnlyList<string> columns, IReadOnlyList<T> rows, Func<T, object?[]> values, IReadOnlyList<string> conflictColumns,
        string conflict, CancellationToken ct)
    {
        var keyIndexes = conflictColumns.Select(k => columns.ToList().IndexOf(k)).ToArray();
        var rowsPerStatement = Math.Max(1, PostgresParametersPerStatement / columns.Count);
        var inserted = new HashSet<int>();
        for (var offset = 0; offset < rows.Count; offset += rowsPerStatement)
        {
            var count = Math.Min(rowsPerStatement, rows.Count - offset);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            var sql = new StringBuilder(64 + count * columns.Count * 9);
            sql.Append("INSERT INTO ").Append(table).Append(" (").AppendJoin(", ", columns).Append(") VALUES ");
            var rowOfKey = new Dictionary<string, int>(count, StringComparer.Ordinal);
            for (var r = 0; r < count; r++)
            {
                var rowValues = values(rows[offset + r]);
                rowOfKey.TryAdd(Key(keyIndexes.Select(k => rowValues[k])), offset + r);
                sql.Append(r == 0 ? "(" : ", (");
                for (var c = 0; c < columns.Count; c++)
                {
                    var name = string.Create(CultureInfo.InvariantCulture, $"p{r}_{c}");
                    sql.Append(c == 0 ? "@" : ", @").Append(name);
                    var parameter = command.CreateParameter();
                    parameter.ParameterName = name;
                    parameter.Value = dialect.ToParameterValue(rowValues[c]);
                    command.Parameters.Add(parameter);
                }

                sql.Append(')');
            }

            sql.Append(' ').Append(conflict).Append(" RETURNING ").AppendJoin(", ", conflictColumns);
            command.CommandText = sql.ToString();
            await using var reader = await command.ExecuteReaderAsync(ct);
            var key = new object?[conflictColumns.Count];
            while (await reader.ReadAsync(ct))
            {
                for (var k = 0; k < key.Length; k++)
                {
                    key[k] = reader.GetValue(k);
                }

                if (rowOfKey.TryGetValue(Key(key), out var row))
                {
                    inserted.Add(row);
                }
            }
        }

        return inserted;
    }

    private static string Key(IEnumerable<object?> parts) =>
        string.Join('\u001f', parts.Select(p => p is Guid guid ? guid.ToString("D") : Convert.ToString(p, CultureInfo.InvariantCulture)));
}
