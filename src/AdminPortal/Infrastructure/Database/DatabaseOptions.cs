namespace AdminPortal.Infrastructure.Database;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>The <c>Database</c> configuration section.</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";
    public const string DefaultSqliteConnectionString = "Data Source=data/portal.db";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>For SQLite a relative <c>Data Source</c> is resolved against the working directory.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Folder holding <c>sqlite/</c> and <c>postgres/</c>; defaults to the migrations linked into the build output.</summary>
    public string? MigrationsPath { get; set; }

    public string ResolveMigrationsFolder() =>
        Path.Combine(MigrationsPath ?? Path.Combine(AppContext.BaseDirectory, "migrations"), SqlDialect.For(Provider).MigrationsFolder);
}
