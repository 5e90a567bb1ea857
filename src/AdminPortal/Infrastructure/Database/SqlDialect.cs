namespace AdminPortal.Infrastructure.Database;

/// <summary>
/// The one place that knows how SQLite and PostgreSQL differ. Slices write SQL in the subset both share and ask
/// the dialect only for the pieces that differ.
/// </summary>
public sealed class SqlDialect
{
    public static readonly SqlDialect Sqlite = new(DatabaseProvider.Sqlite);
    public static readonly SqlDialect Postgres = new(DatabaseProvider.Postgres);

    private SqlDialect(DatabaseProvider provider) => Provider = provider;

    public DatabaseProvider Provider { get; }

    public bool IsPostgres => Provider == DatabaseProvider.Postgres;

    public string MigrationsFolder => IsPostgres ? "postgres" : "sqlite";

    public static SqlDialect For(DatabaseProvider provider) => provider == DatabaseProvider.Postgres ? Postgres : Sqlite;

    /// <summary>Case-insensitive LIKE: PostgreSQL's LIKE is case-sensitive, SQLite's is not for ASCII.</summary>
    public string ILike => IsPostgres ? "ILIKE" : "LIKE";

    /// <summary>"Is any of" for a list parameter: Npgsql binds arrays, SQLite gets Dapper's list expansion.</summary>
    public string AnyOf(string column, string parameter) => IsPostgres ? $"{column} = ANY(@{parameter})" : $"{column} IN @{parameter}";

    /// <summary>
    /// A value for a plain ADO.NET parameter, stored as the Dapper type handlers store it: on SQLite Guids as upper-case
    /// text and times as fixed-width UTC text; on PostgreSQL native uuid and timestamptz (offset zero).
    /// </summary>
    public object ToParameterValue(object? value) => value switch
    {
        null => DBNull.Value,
        Guid guid when !IsPostgres => guid.ToString("D").ToUpperInvariant(),
        DateTimeOffset time when !IsPostgres => DapperTypeHandlers.ToSqliteText(time),
        DateTimeOffset time => time.ToUniversalTime(),
        bool flag when !IsPostgres => flag ? 1 : 0,
        _ => value,
    };

    /// <summary>Reads a Guid column from a plain data reader (text on SQLite, uuid on PostgreSQL).</summary>
    public static Guid ReadGuid(object value) => value is Guid guid ? guid : Guid.Parse((string)value);

    /// <summary>Insert that does nothing when the conflict target already exists (both dialects share this syntax).</summary>
    public static string OnConflictDoNothing(string conflictColumns) => $"ON CONFLICT ({conflictColumns}) DO NOTHING";

    /// <summary>
    /// "Starts with" that an index on the column serves: PostgreSQL LIKE over a text_pattern_ops index, SQLite GLOB
    /// (case-sensitive, so its binary-collation index applies). Bind the value made by <see cref="PrefixPattern"/>.
    /// </summary>
    public string StartsWith(string column, string parameter) => IsPostgres ? $"{column} LIKE @{parameter}" : $"{column} GLOB @{parameter}";

    /// <summary>The pattern for <see cref="StartsWith"/>: the prefix with its wildcards escaped.</summary>
    public string PrefixPattern(string prefix)
    {
        if (IsPostgres)
        {
            return prefix.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_") + "%";
        }

        var escaped = new System.Text.StringBuilder(prefix.Length + 1);
        foreach (var c in prefix)
        {
            escaped.Append(c is '*' or '?' or '[' ? $"[{c}]" : c.ToString());
        }

        return escaped.Append('*').ToString();
    }
}
