using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using Dapper;

namespace AdminPortal.IntegrationTests.Infrastructure;

/// <summary>SQLite only: the prepared query exists for SQLite's inline lookups (PostgreSQL prepares on its own pool).</summary>
public sealed class SqlitePreparedQueryTests
{
    [Fact]
    public async Task Concurrent_runs_each_read_their_own_row_and_see_rows_written_since()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var factory = await ProbeTableAsync(database, rows: 200);

        using var query = new SqlitePreparedQuery(factory, "SELECT name FROM probe WHERE n = $n", "$n");
        var names = await Task.WhenAll(Enumerable.Range(0, 200).Select(n => Task.Run(() =>
            query.RunAsync<string?>([n], reader => reader.Read() ? reader.GetString(0) : null))));
        Assert.Equal(Enumerable.Range(0, 200).Select(n => $"terminal {n}"), names);

        // Kept connections read what was committed after they were opened, and a missing row reads as none.
        await using (var connection = await factory.OpenAsync())
        {
            await connection.ExecuteAsync("UPDATE probe SET name = 'renamed' WHERE n = 7");
        }

        Assert.Equal("renamed", await query.RunAsync<string?>([7], reader => reader.Read() ? reader.GetString(0) : null));
        Assert.Null(await query.RunAsync<string?>([1000], reader => reader.Read() ? reader.GetString(0) : null));
    }

    [Fact]
    public async Task A_query_that_fails_reports_the_error_and_the_next_run_works()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var factory = await ProbeTableAsync(database, rows: 2);

        using var query = new SqlitePreparedQuery(factory, "SELECT name FROM probe WHERE n = $n", "$n");

        await Assert.ThrowsAsync<InvalidOperationException>(() => query.RunAsync<string>([1], _ => throw new InvalidOperationException("reader failed")));
        Assert.Equal("terminal 1", await query.RunAsync<string?>([1], reader => reader.Read() ? reader.GetString(0) : null));
    }

    /// <summary>A table <c>probe</c> of rows n = 0, 1, … named "terminal n".</summary>
    private static async Task<IDbConnectionFactory> ProbeTableAsync(TestDatabase database, int rows)
    {
        var factory = database.CreateConnectionFactory();
        await using var connection = await factory.OpenAsync();
        await connection.ExecuteAsync("CREATE TABLE probe (n INTEGER PRIMARY KEY, name TEXT NOT NULL)");
        await connection.ExecuteAsync("INSERT INTO probe (n, name) VALUES (@n, @name)",
            Enumerable.Range(0, rows).Select(n => new { n, name = $"terminal {n}" }));
        return factory;
    }
}
