using System.Text;
using Dapper;

namespace AdminPortal.Infrastructure.Database;

/// <summary>
/// Builds one <c>INSERT … VALUES (…), (…)</c> statement for many rows: one round trip instead of one per row, in the
/// syntax both dialects share. Callers chunk with <see cref="RowsPerStatement"/> to stay under the parameter limits
/// (SQLite 32,766, PostgreSQL 65,535).
/// </summary>
public static class MultiRowInsert
{
    private const int MaxParameters = 30_000;

    public static int RowsPerStatement(int columnCount) => Math.Max(1, MaxParameters / columnCount);

    /// <param name="table">Table name (a constant of the caller, never input).</param>
    /// <param name="columns">Column names; <paramref name="values"/> yields the values in the same order.</param>
    /// <param name="suffix">What follows the values, e.g. <c>ON CONFLICT … DO NOTHING RETURNING …</c>.</param>
    public static CommandDefinition Build<T>(string table, IReadOnlyList<string> columns, IReadOnlyList<T> rows,
        Func<T, object?[]> values, string suffix = "", System.Data.IDbTransaction? transaction = null, CancellationToken cancellationToken = default)
    {
        var sql = new StringBuilder(64 + rows.Count * columns.Count * 8);
        sql.Append("INSERT INTO ").Append(table).Append(" (").AppendJoin(", ", columns).Append(") VALUES ");
        var parameters = new DynamicParameters();
        for (var r = 0; r < rows.Count; r++)
        {
            var rowValues = values(rows[r]);
            sql.Append(r == 0 ? "(" : ", (");
            for (var c = 0; c < columns.Count; c++)
            {
                var name = $"p{r}_{c}";
                sql.Append(c == 0 ? "@" : ", @").Append(name);
                parameters.Add(name, rowValues[c]);
            }

            sql.Append(')');
        }

        sql.Append(' ').Append(suffix);
        return new CommandDefinition(sql.ToString(), parameters, transaction, cancellationToken: cancellationToken);
    }
}
