using AdminPortal.Infrastructure.Database;
using Microsoft.Data.Sqlite;

namespace AdminPortal.Tests.Infrastructure;

/// <summary>
/// The hot write paths (event ingestion, check-ins) bind SQLite values themselves; every other query reads them through the Dapper type handlers, so the stored
/// text must be exactly what those handlers write and read.
/// </summary>
public sealed class SqlitePreparedStatementTests
{
    public static TheoryData<string> Times => new()
    {
        "2026-11-30T12:00:00+00:00",
        "2026-11-30T12:00:00.1234567+00:00",
        "2026-03-29T01:59:59.9999999+02:00",
        "1999-12-31T23:59:59.000001-05:30",
    };

    [Theory]
    [MemberData(nameof(Times))]
    public void Times_are_stored_as_the_dapper_handler_stores_them(string time)
    {
        var value = DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture);
        Span<char> text = stackalloc char[40];

        var length = SqlitePreparedStatement.FormatTime(value, text);

        Assert.Equal(DapperTypeHandlers.ToSqliteText(value), text[..length].ToString());
    }

    [Fact]
    public void Any_time_is_stored_as_the_dapper_handler_stores_it()
    {
        var random = new Random(20261201);
        Span<char> text = stackalloc char[40];
        for (var i = 0; i < 2000; i++)
        {
            var ticks = random.NextInt64(DateTime.MinValue.Ticks + TimeSpan.TicksPerDay, DateTime.MaxValue.Ticks - TimeSpan.TicksPerDay);
            var value = new DateTimeOffset(ticks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(random.Next(-14 * 60, 14 * 60 + 1)));

            var length = SqlitePreparedStatement.FormatTime(value, text);

            Assert.Equal(DapperTypeHandlers.ToSqliteText(value), text[..length].ToString());
        }
    }

    [Fact]
    public void Guids_are_stored_as_upper_case_text_like_the_dapper_handler()
    {
        Span<char> text = stackalloc char[36];
        for (var i = 0; i < 200; i++)
        {
            var guid = Guid.NewGuid();

            SqlitePreparedStatement.FormatGuid(guid, text);

            Assert.Equal(guid.ToString("D").ToUpperInvariant(), text.ToString());
        }
    }

    [Fact]
    public void Execute_reports_a_row_skipped_by_on_conflict_and_the_values_read_back_unchanged()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE t (id TEXT PRIMARY KEY, at TEXT, n INTEGER, x REAL, s TEXT, flag INTEGER)";
            create.ExecuteNonQuery();
        }

        var id = Guid.NewGuid();
        var at = new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.FromHours(1)).AddTicks(1234567);
        using var insert = new SqlitePreparedStatement(connection, "INSERT INTO t VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (id) DO NOTHING");

        void Bind(double? x, string? s)
        {
            insert.Bind(1, id);
            insert.Bind(2, at);
            insert.Bind(3, 42L);
            insert.Bind(4, x);
            insert.Bind(5, s);
            insert.Bind(6, true);
        }

        Bind(51.508967, "ü-text");
        Assert.Equal(1, insert.Execute());
        Bind(null, null);
        Assert.Equal(0, insert.Execute());

        using var read = connection.CreateCommand();
        read.CommandText = "SELECT id, at, n, x, s, flag FROM t";
        using var reader = read.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal(id.ToString("D").ToUpperInvariant(), reader.GetString(0));
        Assert.Equal(DapperTypeHandlers.ToSqliteText(at), reader.GetString(1));
        Assert.Equal(42L, reader.GetInt64(2));
        Assert.Equal(51.508967, reader.GetDouble(3));
        Assert.Equal("ü-text", reader.GetString(4));
        Assert.Equal(1L, reader.GetInt64(5));
        Assert.False(reader.Read());
    }
}
