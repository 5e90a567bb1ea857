using AdminPortal.Infrastructure.Database;
using AdminPortal.IntegrationTests.Fraud;
using AdminPortal.Testing;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AdminPortal.IntegrationTests.Infrastructure;

/// <summary>
/// The group-commit writers' durability on SQLite: commits without waiting for the disk, acknowledged only after the
/// WAL's sync, checkpoints on their own thread, and a WAL that starts over even when the writer never pauses.
/// </summary>
public sealed class SqliteGroupCommitTests
{
    private const int PageSize = 4096;

    [Theory, BothDatabases]
    public async Task A_writer_commits_without_waiting_for_the_disk_and_is_acknowledged_after_the_sync(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var connections = database.CreateConnectionFactory();
        var groupCommit = new SqliteGroupCommit(connections, NullLogger<SqliteGroupCommit>.Instance);
        await groupCommit.StartAsync(CancellationToken.None);
        try
        {
            await using var writer = await connections.OpenAsync();
            await groupCommit.PrepareWriterAsync(writer, CancellationToken.None);
            await writer.ExecuteAsync("CREATE TABLE probe (id INTEGER NOT NULL, note TEXT NOT NULL)");
            if (provider == DatabaseProvider.Sqlite)
            {
                Assert.True(groupCommit.IsRunning);
                Assert.Equal(1, await writer.ExecuteScalarAsync<int>("PRAGMA synchronous")); // NORMAL: no fsync inside the commit
                Assert.Equal(0, await writer.ExecuteScalarAsync<int>("PRAGMA wal_autocheckpoint")); // never a checkpoint inside it
            }
            else
            {
                Assert.False(groupCommit.IsRunning); // PostgreSQL's commit waits for its own WAL flush
            }

            await using (var transaction = await writer.BeginTransactionAsync())
            {
                await writer.ExecuteAsync("INSERT INTO probe (id, note) VALUES (1, 'acknowledged')", transaction: transaction);
                await transaction.CommitAsync();
            }

            var acknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            groupCommit.WhenDurable(acknowledged.SetResult, acknowledged.SetException);
            await acknowledged.Task.WaitAsync(TimeSpan.FromSeconds(10));

            await using var reader = await connections.OpenAsync();
            Assert.Equal("acknowledged", await reader.ExecuteScalarAsync<string>("SELECT note FROM probe"));
        }
        finally
        {
            await groupCommit.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_slow_wal_sync_is_reported_as_a_warning_and_the_next_ones_wait_for_the_report_interval()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var connections = database.CreateConnectionFactory();
        var logs = new CapturedLogs();
        using var loggers = LoggerFactory.Create(builder => builder.AddProvider(logs));
        // Every sync counts as slow here; the second comes within the report interval, so it is kept for the next warning.
        var groupCommit = new SqliteGroupCommit(connections, loggers.CreateLogger<SqliteGroupCommit>())
        {
            SlowSyncThreshold = TimeSpan.Zero,
            SlowSyncReportInterval = TimeSpan.FromHours(1),
        };
        await groupCommit.StartAsync(CancellationToken.None);
        try
        {
            await using var writer = await connections.OpenAsync();
            await groupCommit.PrepareWriterAsync(writer, CancellationToken.None);
            await writer.ExecuteAsync("CREATE TABLE probe (id INTEGER NOT NULL)");
            for (var i = 0; i < 2; i++)
            {
                await writer.ExecuteAsync("INSERT INTO probe (id) VALUES (@i)", new { i });
                var acknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                groupCommit.WhenDurable(acknowledged.SetResult, acknowledged.SetException);
                await acknowledged.Task.WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        finally
        {
            await groupCommit.StopAsync(CancellationToken.None);
        }

        var warning = Assert.Single(logs.Lines, line => line.Contains("write-ahead log's syncs", StringComparison.Ordinal));
        Assert.StartsWith("Warning", warning, StringComparison.Ordinal);
        Assert.Contains("since the last report, 1 took 0 ms or more", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_running_service_a_writer_keeps_full_sync_and_sqlites_own_checkpoints()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var connections = database.CreateConnectionFactory();
        var groupCommit = new SqliteGroupCommit(connections, NullLogger<SqliteGroupCommit>.Instance); // command-line work: never started

        await using var writer = await connections.OpenAsync();
        await groupCommit.PrepareWriterAsync(writer, CancellationToken.None);

        Assert.Equal(2, await writer.ExecuteScalarAsync<int>("PRAGMA synchronous"));
        Assert.Equal(1000, await writer.ExecuteScalarAsync<int>("PRAGMA wal_autocheckpoint"));
        var acknowledged = false;
        groupCommit.WhenDurable(() => acknowledged = true, ex => throw ex);
        Assert.True(acknowledged); // at once, on the caller's thread: FULL already synced
    }

    [Fact]
    public async Task The_checkpointer_makes_the_wal_start_over_while_a_writer_never_pauses()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var connections = database.CreateConnectionFactory();
        const int restartAfterFrames = 256;
        // A short interval: the bound below is the threshold plus what the writer adds between two checkpoints.
        var groupCommit = new SqliteGroupCommit(connections, NullLogger<SqliteGroupCommit>.Instance)
        {
            RestartAfterFrames = restartAfterFrames, CheckpointInterval = TimeSpan.FromMilliseconds(200),
        };
        await groupCommit.StartAsync(CancellationToken.None);
        string walFile;
        await using (var probe = (SqliteConnection)await connections.OpenAsync())
        {
            walFile = probe.DataSource + "-wal";
        }

        long largestWal = 0;
        const int commits = 1000;
        try
        {
            await using var writer = await connections.OpenAsync();
            await groupCommit.PrepareWriterAsync(writer, CancellationToken.None);
            await writer.ExecuteAsync("CREATE TABLE probe (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)");
            var payload = new byte[3 * PageSize]; // about three WAL frames per commit
            for (var i = 0; i < commits; i++)
            {
                // Back to back, as the check-in writer under load: a PASSIVE checkpoint alone never finds the WAL fully
                // copied when the next commit begins, so the file would only grow.
                // As the portal's writers do: a restart in progress holds the next transaction here.
                await groupCommit.BeforeTransactionAsync();

                await using (var transaction = await writer.BeginTransactionAsync())
                {
                    await writer.ExecuteAsync("INSERT INTO probe (payload) VALUES (@payload)", new { payload }, transaction);
                    await transaction.CommitAsync();
                }

                groupCommit.WhenDurable(() => { }, _ => { });
                largestWal = Math.Max(largestWal, new FileInfo(walFile).Length);
                await Task.Delay(1);
            }
        }
        finally
        {
            await groupCommit.StopAsync(CancellationToken.None);
        }

        Assert.True(groupCommit.Checkpoints > 0);
        // Without the restart the WAL holds every commit: more than 3,000 frames. With it, the threshold plus what one
        // checkpoint interval adds.
        var largestFrames = largestWal / (PageSize + 24);
        Assert.True(largestFrames < 3 * commits / 2, $"The WAL grew to {largestFrames} frames.");
        await using var check = await connections.OpenAsync();
        Assert.Equal(commits, await check.ExecuteScalarAsync<int>("SELECT count(*) FROM probe"));
    }

    [Fact]
    public async Task A_restart_holds_new_transactions_at_the_gate_until_the_open_one_commits()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var connections = database.CreateConnectionFactory();
        // Patience long enough that the restart can only end by succeeding once this test commits.
        var groupCommit = new SqliteGroupCommit(connections, NullLogger<SqliteGroupCommit>.Instance)
        {
            RestartAfterFrames = 16, RestartPatience = TimeSpan.FromMinutes(1),
        };
        await groupCommit.StartAsync(CancellationToken.None);
        try
        {
            await using var writer = await connections.OpenAsync();
            await groupCommit.PrepareWriterAsync(writer, CancellationToken.None);
            await writer.ExecuteAsync("CREATE TABLE probe (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)");
            var payload = new byte[32 * PageSize]; // past the threshold in one commit
            await writer.ExecuteAsync("INSERT INTO probe (payload) VALUES (@payload)", new { payload });

            // A transaction that writes and stays open holds SQLite's write lock, so the restart cannot complete.
            await using var open = await writer.BeginTransactionAsync();
            await writer.ExecuteAsync("INSERT INTO probe (payload) VALUES (@payload)", new { payload = new byte[16] }, open);
            groupCommit.WhenDurable(() => { }, _ => { }); // wakes the checkpointer

            var gate = groupCommit.BeforeTransactionAsync();
            using (var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            {
                while (gate.IsCompleted)
                {
                    await Task.Delay(1, patience.Token);
                    gate = groupCommit.BeforeTransactionAsync();
                }
            }

            Assert.Equal(0, groupCommit.Restarts);
            await open.CommitAsync();
            await gate.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(1, groupCommit.Restarts);
        }
        finally
        {
            await groupCommit.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Stopping_runs_every_acknowledgement_handed_over_before_it()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var connections = database.CreateConnectionFactory();
        var groupCommit = new SqliteGroupCommit(connections, NullLogger<SqliteGroupCommit>.Instance);
        await groupCommit.StartAsync(CancellationToken.None);
        await using (var writer = await connections.OpenAsync())
        {
            await writer.ExecuteAsync("CREATE TABLE probe (id INTEGER PRIMARY KEY)");
        }

        const int handedOver = 500;
        var acknowledged = 0;
        var allDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        for (var i = 0; i < handedOver; i++)
        {
            groupCommit.WhenDurable(() =>
            {
                if (Interlocked.Increment(ref acknowledged) == handedOver)
                {
                    allDone.SetResult();
                }
            }, allDone.SetException);
        }

        await groupCommit.StopAsync(CancellationToken.None);
        await allDone.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(handedOver, acknowledged);
    }
}
