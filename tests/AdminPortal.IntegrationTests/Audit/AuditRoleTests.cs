using AdminPortal.Features.Audit;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace AdminPortal.IntegrationTests.Audit;

/// <summary>
/// PostgreSQL only, by nature: SQLite has no database roles. The portal runs under an ordinary role that owns its
/// database (as in production); after the migrations that role can append to the audit log but not change it.
/// </summary>
public sealed class AuditRoleTests
{
    [Fact]
    public async Task On_PostgreSQL_the_portals_own_role_may_append_audit_rows_but_never_update_delete_or_truncate_them()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var role = $"portal_role_{Guid.NewGuid():N}"[..30];
        await using (var server = new NpgsqlConnection(TestDatabase.PostgresServer))
        {
            await server.OpenAsync();
            await server.ExecuteAsync($"CREATE ROLE {role} LOGIN NOSUPERUSER");
            await server.ExecuteAsync($"ALTER DATABASE {database.Name} OWNER TO {role}");
        }

        try
        {
            var asPortal = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Username = role, Pooling = false }.ConnectionString;
            var services = new ServiceCollection();
            services.AddPortalDatabase(new ConfigurationBuilder().AddInMemoryCollection(
                [new("Database:Provider", "Postgres"), new("Database:ConnectionString", asPortal)]).Build());
            var connections = services.BuildServiceProvider().GetRequiredService<IDbConnectionFactory>();
            await new DatabaseMigrator(connections, Microsoft.Extensions.Options.Options.Create(new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = asPortal }),
                NullLogger<DatabaseMigrator>.Instance).MigrateAsync();

            var log = new AuditLog(connections, TimeProvider.System, new AuditChainKeys(AuditChainKeys.NewKey()));
            await log.RecordAsync(new AuditEvent { Category = "devices", Action = "device.locked", Summary = "Locked terminal SN-0001" });
            await log.RecordAsync(new AuditEvent { Category = "devices", Action = "device.unlocked", Summary = "Unlocked terminal SN-0001" });
            Assert.True((await log.VerifyAsync()).Intact);

            await using var connection = await connections.OpenAsync();
            foreach (var statement in new[] { "UPDATE audit_log SET summary = 'rewritten'", "DELETE FROM audit_log WHERE seq = 1", "TRUNCATE audit_log" })
            {
                var refused = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(statement));
                Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
            }

            Assert.Equal(2, (await log.VerifyAsync()).RowsChecked);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await database.DisposeAsync();
            await using var server = new NpgsqlConnection(TestDatabase.PostgresServer);
            await server.OpenAsync();
            await server.ExecuteAsync($"DROP ROLE IF EXISTS {role}");
        }
    }
}
