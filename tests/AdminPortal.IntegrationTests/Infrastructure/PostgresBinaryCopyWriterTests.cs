using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using Dapper;
using Npgsql;

namespace AdminPortal.IntegrationTests.Infrastructure;

/// <summary>
/// The hand-written binary COPY encoder against a real server: every type it writes reads back as the same value (edge
/// values included), rows span many chunks and one row outgrows a chunk, and a copy that is not completed stores nothing.
/// </summary>
public sealed class PostgresBinaryCopyWriterTests
{
    private const string Table =
        "CREATE TABLE copy_probe (n integer NOT NULL, id uuid NULL, t text NULL, at timestamptz NOT NULL, i integer NOT NULL, " +
        "l bigint NOT NULL, d double precision NULL)";

    private const string Copy = "COPY copy_probe (n, id, t, at, i, l, d) FROM STDIN (FORMAT BINARY)";

    private sealed record Row(int N, Guid? Id, string? T, DateTimeOffset At, int I, long L, double? D);

    [Fact]
    public async Task Every_type_reads_back_as_written_edge_values_and_chunk_boundaries_included()
    {
        var (database, connections) = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Postgres);
        await using var _ = database;
        await using var connection = (NpgsqlConnection)await connections.OpenAsync();
        await connection.ExecuteAsync(Table);
        var rows = new List<Row>
        {
            new(0, Guid.Parse("00112233-4455-6677-8899-aabbccddeeff"), "ünïcode € 𝄞", new DateTimeOffset(2026, 12, 1, 15, 4, 5, TimeSpan.FromHours(2)).AddTicks(1_234_560),
                int.MinValue, long.MinValue, double.NegativeInfinity),
            new(1, null, null, new DateTimeOffset(1999, 12, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(9_999_990), int.MaxValue, long.MaxValue, null),
            new(2, Guid.Empty, "", new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero), 0, 0, -0.000123456789),
            // Larger than a whole chunk: the row stays in one piece in a bigger buffer.
            new(3, Guid.NewGuid(), new string('x', 100_000) + "é", DateTimeOffset.UnixEpoch, -1, -1, double.MaxValue),
        };
        // Enough ordinary rows to fill several 64 KB chunks around the large one.
        rows.AddRange(Enumerable.Range(4, 3000).Select(n =>
            new Row(n, Guid.NewGuid(), $"row-{n}", new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero).AddTicks(-n * 10), n, n * 1_000_000_007L, n / 7.0)));

        await using (var copy = await PostgresBinaryCopyWriter.BeginAsync(connection, Copy, CancellationToken.None))
        {
            foreach (var row in rows)
            {
                await copy.StartRowAsync(7, CancellationToken.None);
                copy.Int4(row.N);
                copy.Uuid(row.Id);
                copy.Text(row.T);
                copy.TimestampTz(row.At);
                copy.Int4(row.I);
                copy.Int8(row.L);
                copy.Float8(row.D);
            }

            await copy.CompleteAsync(CancellationToken.None);
        }

        var stored = (await connection.QueryAsync<(int N, Guid? Id, string? T, DateTime At, int I, long L, double? D)>(
            "SELECT n, id, t, at, i, l, d FROM copy_probe ORDER BY n")).ToList();
        Assert.Equal(rows.Count, stored.Count);
        for (var k = 0; k < rows.Count; k++)
        {
            var (expected, actual) = (rows[k], stored[k]);
            Assert.Equal(expected.N, actual.N);
            Assert.Equal(expected.Id, actual.Id);
            Assert.Equal(expected.T, actual.T);
            Assert.Equal(expected.At.UtcTicks, actual.At.Ticks);
            Assert.Equal(expected.I, actual.I);
            Assert.Equal(expected.L, actual.L);
            Assert.Equal(expected.D, actual.D);
        }
    }

    [Fact]
    public async Task A_copy_disposed_without_completing_stores_nothing_and_leaves_the_connection_usable()
    {
        var (database, connections) = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Postgres);
        await using var _ = database;
        await using var connection = (NpgsqlConnection)await connections.OpenAsync();
        await connection.ExecuteAsync(Table);

        await using (var copy = await PostgresBinaryCopyWriter.BeginAsync(connection, Copy, CancellationToken.None))
        {
            for (var n = 0; n < 2000; n++)
            {
                await copy.StartRowAsync(7, CancellationToken.None);
                copy.Int4(n);
                copy.Uuid(Guid.NewGuid());
                copy.Text("abandoned");
                copy.TimestampTz(DateTimeOffset.UtcNow);
                copy.Int4(n);
                copy.Int8(n);
                copy.Float8(n);
            }
        }

        Assert.Equal(0L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM copy_probe"));
    }
}
