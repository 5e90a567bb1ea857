using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using Dapper;

namespace AdminPortal.IntegrationTests.Infrastructure;

/// <summary>
/// A connection for repeated statements (the device API's writers and lookups) prepares what it repeats on PostgreSQL, so
/// the server stops planning it at every batch; the portal's other connections do not, so their queries are planned with
/// their values each time.
/// </summary>
public sealed class PostgresConnectionFactoryTests
{
    private const string Repeated = "SELECT count(*) FROM devices WHERE merchant_id = @merchantId /* repeated-write probe */";

    [Fact]
    public async Task A_connection_for_repeated_statements_prepares_them_and_an_ordinary_connection_does_not()
    {
        var (database, connections) = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Postgres);
        await using var _ = database;

        await using (var repeated = await connections.OpenForRepeatedStatementsAsync())
        {
            Assert.Equal(1L, await RunThreeTimesThenCountPreparedAsync(repeated));
        }

        await using (var ordinary = await connections.OpenAsync())
        {
            Assert.Equal(0L, await RunThreeTimesThenCountPreparedAsync(ordinary));
        }
    }

    [Fact]
    public async Task A_repeated_statements_connection_comes_back_without_its_unfinished_transaction_and_keeps_its_prepared_statements()
    {
        var (database, connections) = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Postgres);
        await using var _ = database;
        int backend;
        await using (var first = await connections.OpenForRepeatedStatementsAsync())
        {
            await RunThreeTimesThenCountPreparedAsync(first);
            backend = await first.ExecuteScalarAsync<int>("SELECT pg_backend_pid()");
            // As the check-in writer begins its batches: BEGIN as text, not a transaction object Npgsql could roll back itself.
            await first.ExecuteAsync("BEGIN; INSERT INTO cluster_work (name, last_slot_at, holder, lease_until) VALUES ('abandoned', now(), 'test', now())");
        }

        await using var second = await connections.OpenForRepeatedStatementsAsync();
        // The same server session (the pool's only idle connection): the abandoned transaction was rolled back, the session
        // was not reset, so what it prepared is still there for the next batch.
        Assert.Equal(backend, await second.ExecuteScalarAsync<int>("SELECT pg_backend_pid()"));
        Assert.Equal(0L, await second.ExecuteScalarAsync<long>("SELECT count(*) FROM cluster_work WHERE name = 'abandoned'"));
        Assert.Equal(1L, await second.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%repeated-write probe%' AND statement NOT LIKE '%pg_prepared_statements%'"));
    }

    private static async Task<long> RunThreeTimesThenCountPreparedAsync(System.Data.Common.DbConnection connection)
    {
        for (var i = 0; i < 3; i++)
        {
            await connection.ExecuteScalarAsync<long>(Repeated, new { merchantId = Guid.NewGuid() });
        }

        return await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%repeated-write probe%' AND statement NOT LIKE '%pg_prepared_statements%'");
    }
}
