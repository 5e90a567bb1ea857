using System.Data.Common;
using AdminPortal.Infrastructure.Database;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace PortalBench;

/// <summary>
/// A fresh database for one run: a new SQLite file under /tmp, or a new database on the shared PostgreSQL cluster
/// (created here, dropped at the end). Also the bench's own <see cref="IDbConnectionFactory"/> for fixtures and for
/// measures that call the portal's query code in-process.
/// </summary>
public sealed class BenchDatabase : IDbConnectionFactory, IAsyncDisposable
{
    public const string DefaultPostgresServer = "Host=127.0.0.1;Port=55432;Username=postgres";

    private readonly string? _postgresAdmin;
    private readonly string? _postgresName;
    private readonly NpgsqlDataSource? _dataSource;

    private BenchDatabase(string provider, string connectionString, string? postgresAdmin, string? postgresName)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _postgresAdmin = postgresAdmin;
        _postgresName = postgresName;
        if (IsPostgres)
        {
            _dataSource = NpgsqlDataSource.Create(connectionString);
        }
    }

    /// <summary><c>Sqlite</c> or <c>Postgres</c>: the value of the portal's <c>Database:Provider</c>.</summary>
    public string Provider { get; }

    public string ConnectionString { get; }

    public bool IsPostgres => Provider == "Postgres";

    public string Label => IsPostgres ? "PostgreSQL 15 (fsync on, loopback)" : "SQLite (WAL; every answer after an fsync of the WAL)";

    public SqlDialect Dialect => IsPostgres ? SqlDialect.Postgres : SqlDialect.Sqlite;

    /// <summary>
    /// PostgreSQL: the server's settings that bear on a write-heavy measure where they are not the defaults (shown with the
    /// figures, so that a row measured on a tuned server says so); empty on SQLite and on a server left as installed.
    /// </summary>
    public async Task<string> ServerSettingsAsync()
    {
        if (_dataSource is null)
        {
            return "";
        }

        await using var command = _dataSource.CreateCommand(
            """
            SELECT string_agg(name || ' = ' || current_setting(name), ', ' ORDER BY name) FROM pg_settings
            WHERE name IN ('shared_buffers', 'max_wal_size', 'checkpoint_timeout', 'synchronous_commit', 'fsync', 'full_page_writes', 'commit_delay')
              AND setting IS DISTINCT FROM boot_val
            """);
        return await command.ExecuteScalarAsync() as string ?? "";
    }

    public bool Keep { get; set; }

    public static async Task<BenchDatabase> CreateAsync(string kind, string purpose, string? postgresServer)
    {
        DapperTypeHandlers.Register();
        var stamp = DateTime.UtcNow.ToString("yyyyMMddHHmmss");
        if (kind.Equals("postgres", StringComparison.OrdinalIgnoreCase) || kind.Equals("postgresql", StringComparison.OrdinalIgnoreCase))
        {
            var admin = postgresServer ?? DefaultPostgresServer;
            var name = $"bench_{purpose.Replace('-', '_')}_{stamp}_{Environment.ProcessId}";
            await using (var connection = new NpgsqlConnection(admin))
            {
                await connection.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
                await create.ExecuteNonQueryAsync();
            }

            var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
            return new BenchDatabase("Postgres", builder.ToString(), admin, name);
        }

        if (!kind.Equals("sqlite", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"--db must be sqlite or postgres, not '{kind}'.");
        }

        var file = Path.Combine(Path.GetTempPath(), $"portal-bench-{purpose}-{stamp}-{Environment.ProcessId}.db");
        return new BenchDatabase("Sqlite", $"Data Source={file}", null, null);
    }

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        if (_dataSource is not null)
        {
            return await _dataSource.OpenConnectionAsync(cancellationToken);
        }

        var connection = new SqliteConnection(ConnectionString + ";Foreign Keys=True");
        await connection.OpenAsync(cancellationToken);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA busy_timeout = 10000;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    /// <summary>
    /// CPU time used so far by each PostgreSQL backend of this database, autovacuum workers included (from /proc: the server
    /// runs on this machine), so the server's share of the work can be told from the portal's. Background processes (WAL
    /// writer, checkpointer) serve every database and are not counted. Empty on SQLite, which runs inside the portal.
    /// Take one before a phase and one after; <see cref="ServerCpuBetween"/> is what the phase used.
    /// </summary>
    public async Task<IReadOnlyDictionary<int, long>> ServerCpuTicksAsync()
    {
        var ticks = new Dictionary<int, long>();
        if (!IsPostgres)
        {
            return ticks;
        }

        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT pid FROM pg_stat_activity WHERE datname = current_database()";
        var pids = new List<int>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                pids.Add(reader.GetInt32(0));
            }
        }

        foreach (var pid in pids)
        {
            try
            {
                // Fields after the command name: state is the 1st, utime the 12th, stime the 13th.
                var stat = await File.ReadAllTextAsync($"/proc/{pid}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                ticks[pid] = long.Parse(fields[11], Report.Invariant) + long.Parse(fields[12], Report.Invariant);
            }
            catch (IOException)
            {
                // The backend ended meanwhile.
            }
        }

        return ticks;
    }

    /// <summary>The CPU the backends used between two <see cref="ServerCpuTicksAsync"/> snapshots.</summary>
    public static TimeSpan ServerCpuBetween(IReadOnlyDictionary<int, long> before, IReadOnlyDictionary<int, long> after)
    {
        const double TicksPerSecond = 100; // USER_HZ on Linux
        var ticks = after.Sum(p => p.Value - before.GetValueOrDefault(p.Key));
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    /// <summary>
    /// Puts on disk what earlier phases left in memory: PostgreSQL's dirty buffers (CHECKPOINT) and the kernel's dirty pages
    /// (sync). Otherwise the kernel writes them back 30 s after they were dirtied (vm.dirty_expire_centisecs), in the middle
    /// of the next phase, and a commit's WAL flush waits behind them: with ~130 MB left by seeding and a maximum-rate phase,
    /// PostgreSQL logged COMMITs of 60–1,400 ms (docs/BENCHMARKS.md, check-ins, 2026-12-02 05:33).
    /// </summary>
    public async Task SettleWritesAsync()
    {
        if (_dataSource is not null)
        {
            await using var checkpoint = _dataSource.CreateCommand("CHECKPOINT");
            await checkpoint.ExecuteNonQueryAsync();
        }

        using var sync = System.Diagnostics.Process.Start("sync") ?? throw new InvalidOperationException("sync did not start.");
        await sync.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }

        if (Keep)
        {
            Console.WriteLine($"Kept the database: {ConnectionString}");
            return;
        }

        if (_postgresName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(_postgresAdmin);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_postgresName} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
            return;
        }

        SqliteConnection.ClearAllPools();
        var file = new SqliteConnectionStringBuilder(ConnectionString).DataSource;
        foreach (var path in new[] { file, file + "-wal", file + "-shm" })
        {
            File.Delete(path);
        }
    }
}
