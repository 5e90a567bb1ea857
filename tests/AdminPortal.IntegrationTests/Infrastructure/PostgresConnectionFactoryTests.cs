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
