using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using Dapper;

namespace AdminPortal.IntegrationTests.Infrastructure;

public sealed class BufferedRowsTests
{
    public sealed record Row(Guid Id, string Name, DateTimeOffset At);

    // Far more than one network read holds on PostgreSQL (its server sends 8 KB at a time): every row must still arrive
    // whole and in order, mapped as Dapper maps them (type handlers, records, value tuples), result after result.
    private const int RowCount = 3_000;

    [Theory, BothDatabases]
    public async Task A_large_result_and_the_next_one_map_every_row(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var connection = await database.CreateConnectionFactory().OpenAsync();
        await connection.ExecuteAsync(provider == DatabaseProvider.Sqlite
            ? "CREATE TABLE probe (n INTEGER PRIMARY KEY, id TEXT NOT NULL, name TEXT NOT NULL, at TEXT NOT NULL)"
            : "CREATE TABLE probe (n integer PRIMARY KEY, id uuid NOT NULL, name text NOT NULL, at timestamptz NOT NULL)");
        var start = new DateTimeOffset(2026, 12, 3, 6, 0, 0, TimeSpan.Zero);
        var written = Enumerable.Range(0, RowCount)
            .Select(n => new { n, id = Guid.NewGuid(), name = $"terminal {n} " + new string('x', 40), at = start.AddSeconds(n) })
            .ToList();
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await connection.ExecuteAsync("INSERT INTO probe (n, id, name, at) VALUES (@n, @id, @name, @at)", written, transaction);
            await transaction.CommitAsync();
        }

        var rows = await connection.QueryRowsAsync<Row>(new CommandDefinition("SELECT id AS Id, name AS Name, at AS At FROM probe ORDER BY n"));

        Assert.Equal(written.Select(w => new Row(w.id, w.name, w.at)), rows);
        var streamed = new List<Row>();
        await foreach (var row in connection.StreamRowsAsync<Row>(new CommandDefinition("SELECT id AS Id, name AS Name, at AS At FROM probe ORDER BY n")))
        {
            streamed.Add(row);
        }

        Assert.Equal(rows, streamed);

        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(
            "SELECT id AS Id, name AS Name, at AS At FROM probe ORDER BY n; SELECT n, name FROM probe WHERE n < 3 ORDER BY n"));
        Assert.Equal(RowCount, (await reader.ReadRowsAsync<Row>(CancellationToken.None)).Count);
        Assert.True(await reader.NextResultAsync());
        var pairs = await reader.ReadRowsAsync<(int N, string Name)>(CancellationToken.None);
        Assert.Equal(written.Take(3).Select(w => (w.n, w.name)), pairs);
    }
}
