using System.Buffers;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace AdminPortal.Infrastructure.Database;

/// <summary>
/// One SQL statement prepared once on a SQLite connection and executed per row, its values bound by position straight
/// from the row's fields. The group-commit writers run it for every row: fraud ingestion writes thousands of event and hit
/// rows per group, the check-in writer a history row and a device update per check-in; through ADO.NET each row cost a
/// data reader, a name lookup and a boxed or converted value per parameter (about half the portal's CPU per event).
/// Runs inside whatever transaction the connection has open. Values are stored exactly as the Dapper type handlers
/// store them (Guid: upper-case text; time: UTC text with microseconds), so every other query reads them back unchanged.
/// </summary>
internal sealed class SqlitePreparedStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public SqlitePreparedStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
        Check(raw.sqlite3_prepare_v2(_db, sql, out _statement));
    }

    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    public void Bind(int index, long? value) =>
        Check(value is { } number ? raw.sqlite3_bind_int64(_statement, index, number) : raw.sqlite3_bind_null(_statement, index));

    public void Bind(int index, bool value) => Check(raw.sqlite3_bind_int64(_statement, index, value ? 1 : 0));

    public void Bind(int index, bool? value) =>
        Check(value is { } flag ? raw.sqlite3_bind_int64(_statement, index, flag ? 1 : 0) : raw.sqlite3_bind_null(_statement, index));

    public void Bind(int index, double? value) =>
        Check(value is { } number ? raw.sqlite3_bind_double(_statement, index, number) : raw.sqlite3_bind_null(_statement, index));

    public void Bind(int index, string? value)
    {
        if (value is null)
        {
            Check(raw.sqlite3_bind_null(_statement, index));
            return;
        }

        BindText(index, value);
    }

    public void Bind(int index, Guid? value)
    {
        if (value is not { } guid)
        {
            Check(raw.sqlite3_bind_null(_statement, index));
            return;
        }

        Span<char> text = stackalloc char[36];
        FormatGuid(guid, text);
        BindText(index, text);
    }

    public void Bind(int index, DateTimeOffset value)
    {
        Span<char> text = stackalloc char[40];
        var length = FormatTime(value, text);
        BindText(index, text[..length]);
    }

    /// <summary>
    /// Binds text as UTF-8, the database's encoding: bound as UTF-16, every value was converted again inside SQLite
    /// (<c>sqlite3VdbeMemTranslate</c>, 2 % of the ingest loop), where .NET's encoder does it in a vectorised pass.
    /// </summary>
    private void BindText(int index, ReadOnlySpan<char> text)
    {
        const int StackBytes = 1024;
        var maxBytes = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = null;
        var buffer = maxBytes <= StackBytes ? stackalloc byte[StackBytes] : rented = ArrayPool<byte>.Shared.Rent(maxBytes);
        try
        {
            var length = Encoding.UTF8.GetBytes(text, buffer);
            Check(raw.sqlite3_bind_text(_statement, index, buffer[..length]));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Runs the statement with the values bound; returns the rows it changed (0 when ON CONFLICT skipped the row).</summary>
    public int Execute()
    {
        var result = raw.sqlite3_step(_statement);
        if (result != raw.SQLITE_DONE)
        {
            var message = raw.sqlite3_errmsg(_db).utf8_to_string();
            raw.sqlite3_reset(_statement);
            throw new SqliteException(message, result);
        }

        raw.sqlite3_reset(_statement);
        return raw.sqlite3_changes(_db);
    }

    public void Dispose() => _statement.Dispose();

    /// <summary>The text <c>DapperTypeHandlers</c> stores for a Guid on SQLite (<c>ToString("D").ToUpperInvariant()</c>).</summary>
    internal static void FormatGuid(Guid value, Span<char> destination)
    {
        value.TryFormat(destination, out _, "D");
        for (var i = 0; i < 36; i++)
        {
            if (destination[i] is >= 'a' and <= 'f')
            {
                destination[i] = (char)(destination[i] - ('a' - 'A'));
            }
        }
    }

    /// <summary>The text <c>DapperTypeHandlers.ToSqliteText</c> stores for a time on SQLite; returns its length.</summary>
    /// <remarks>
    /// The digits are written here: the general formatter read the custom format string again on every call, which was
    /// 2 % of the ingest loop's time (two times per event). Same text: UTC, microseconds truncated, as "ffffff" does.
    /// </remarks>
    internal static int FormatTime(DateTimeOffset value, Span<char> destination)
    {
        var utc = value.UtcDateTime;
        utc.Deconstruct(out int year, out int month, out int day);
        var ticksOfDay = utc.Ticks % TimeSpan.TicksPerDay;
        var secondsOfDay = (int)(ticksOfDay / TimeSpan.TicksPerSecond);
        var microseconds = (int)(ticksOfDay % TimeSpan.TicksPerSecond / TimeSpan.TicksPerMicrosecond);
        Digits(destination[..4], year);
        destination[4] = '-';
        Digits(destination.Slice(5, 2), month);
        destination[7] = '-';
        Digits(destination.Slice(8, 2), day);
        destination[10] = 'T';
        Digits(destination.Slice(11, 2), secondsOfDay / 3600);
        destination[13] = ':';
        Digits(destination.Slice(14, 2), secondsOfDay / 60 % 60);
        destination[16] = ':';
        Digits(destination.Slice(17, 2), secondsOfDay % 60);
        destination[19] = '.';
        Digits(destination.Slice(20, 6), microseconds);
        destination[26] = 'Z';
        return 27;
    }

    /// <summary>Writes <paramref name="value"/> as exactly as many decimal digits as <paramref name="destination"/> holds, zero-padded.</summary>
    private static void Digits(Span<char> destination, int value)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = (char)('0' + value % 10);
            value /= 10;
        }
    }

    private void Check(int result)
    {
        if (result != raw.SQLITE_OK)
        {
            throw new SqliteException(raw.sqlite3_errmsg(_db).utf8_to_string(), result);
        }
    }
}
