using Microsoft.Extensions.Options;

namespace AdminPortal.Infrastructure.Database;

public static class DatabaseServiceCollectionExtensions
{
    public static IServiceCollection AddPortalDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        DapperTypeHandlers.Register();
        services.AddOptions<DatabaseOptions>().Bind(configuration.GetSection(DatabaseOptions.SectionName));
        services.AddSingleton<IDbConnectionFactory>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            return options.Provider switch
            {
                DatabaseProvider.Postgres => new PostgresConnectionFactory(options.ConnectionString
                    ?? throw new InvalidOperationException("Database:ConnectionString is required when Database:Provider is Postgres.")),
                _ => new SqliteConnectionFactory(options.ConnectionString ?? DatabaseOptions.DefaultSqliteConnectionString),
            };
        });
        services.AddSingleton(sp => sp.GetRequiredService<IDbConnectionFactory>().Dialect);
        services.AddSingleton<DatabaseMigrator>();
        // Registered before any writer's hosted service, so it starts first and stops last (after their final commits).
        services.AddSingleton<SqliteGroupCommit>();
        services.AddHostedService(sp => sp.GetRequiredService<SqliteGroupCommit>());
        return services;
    }

    public static async Task MigrateDatabaseAsync(this WebApplication app)
    {
        await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(app.Lifetime.ApplicationStopping);
    }
}
