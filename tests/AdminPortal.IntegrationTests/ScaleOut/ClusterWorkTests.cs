using AdminPortal.Infrastructure.Cluster;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AdminPortal.IntegrationTests.ScaleOut;

/// <summary>The claim rules of cluster work, with two nodes on one database and a clock the test moves.</summary>
public sealed class ClusterWorkTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    // 10 s into a slot, so that moving 55 s lands in the next slot while a lease taken now (60 s) still runs.
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 12, 0, 10, TimeSpan.Zero);

    [Theory, BothDatabases]
    public async Task Two_nodes_asking_for_the_same_slot_run_it_once(DatabaseProvider provider)
    {
        var (database, db) = await TestDatabase.CreateMigratedAsync(provider);
        await using var _ = database;
        var clock = new FakeTimeProvider(Start);
        var (a, b) = (Node(db, clock), Node(db, clock));
        var work = new CountingWork(Minute);

        var first = await Task.WhenAll(a.TryRunAsync(work, default), b.TryRunAsync(work, default));
        var again = await Task.WhenAll(a.TryRunAsync(work, default), b.TryRunAsync(work, default));
        clock.Advance(Minute);
        var next = await Task.WhenAll(b.TryRunAsync(work, default), a.TryRunAsync(work, default));

        Assert.Single(first, ran => ran);
        Assert.DoesNotContain(true, again);
        Assert.Single(next, ran => ran);
        Assert.Equal(2, work.Runs);
    }

    [Theory, BothDatabases]
    public async Task A_run_that_overruns_its_interval_is_not_joined_by_the_next_one(DatabaseProvider provider)
    {
        var (database, db) = await TestDatabase.CreateMigratedAsync(provider);
        await using var _ = database;
        var clock = new FakeTimeProvider(Start);
        var (a, b) = (Node(db, clock), Node(db, clock));
        var slow = new BlockingWork(Minute);

        var running = a.TryRunAsync(slow, default);
        await slow.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        clock.Advance(TimeSpan.FromSeconds(55)); // the next slot has begun; A still runs the previous one
        var whileRunning = await b.TryRunAsync(slow, default);
        slow.Finish.SetResult();
        Assert.True(await running);
        var afterwards = await b.TryRunAsync(slow, default);

        Assert.False(whileRunning);
        Assert.True(afterwards);
    }

    // Several instances share PostgreSQL only; on SQLite the one portal process holds its claims in memory (next test).
    [Fact]
    public async Task The_job_of_a_node_that_died_mid_run_is_taken_over_when_its_lease_expires()
    {
        var (database, db) = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Postgres);
        await using var _ = database;
        var clock = new FakeTimeProvider(Start);
        var survivor = Node(db, clock);
        var work = new CountingWork(TimeSpan.FromSeconds(10));
        // A node claimed the current slot and was killed: its lease (30 s at least) was never renewed nor released.
        await using (var connection = await db.OpenAsync())
        {
            await connection.ExecuteAsync(
                "INSERT INTO cluster_work (name, last_slot_at, holder, lease_until) VALUES (@name, @slot, 'killed-node', @until)",
                new { name = work.Name, slot = ClusterWork.SlotOf(Start, work.Interval), until = Start + ClusterWork.MinimumLease });
        }

        clock.Advance(TimeSpan.FromSeconds(20));
        var beforeExpiry = await survivor.TryRunAsync(work, default);
        clock.Advance(TimeSpan.FromSeconds(10));
        var afterExpiry = await survivor.TryRunAsync(work, default);

        Assert.False(beforeExpiry);
        Assert.True(afterExpiry);
        Assert.Equal(1, work.Runs);
    }

    // Any other connection's commit makes SQLite drop the check-in writer's page cache, which costs it a few hundred
    // milliseconds of CPU under load: claiming and releasing slots must not be such a commit.
    [Fact]
    public async Task On_sqlite_claiming_and_releasing_slots_commits_nothing_to_the_database()
    {
        var (database, db) = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        await using var _ = database;
        var clock = new FakeTimeProvider(Start);
        var (a, b) = (Node(db, clock), Node(db, clock));
        var work = new CountingWork(Minute);
        await using var writer = await db.OpenAsync();
        var before = await writer.ExecuteScalarAsync<long>("PRAGMA data_version");

        var first = await Task.WhenAll(a.TryRunAsync(work, default), b.TryRunAsync(work, default));
        clock.Advance(Minute);
        var next = await Task.WhenAll(b.TryRunAsync(work, default), a.TryRunAsync(work, default));

        Assert.Equal(before, await writer.ExecuteScalarAsync<long>("PRAGMA data_version"));
        Assert.Single(first, ran => ran);
        Assert.Single(next, ran => ran);
        Assert.Equal(2, work.Runs);
        Assert.Equal(ClusterWork.SlotOf(Start + Minute, Minute), (await a.LastClaimAsync(work.Name))?.Slot);
    }

    [Fact]
    public void Slots_start_at_multiples_of_the_interval_since_the_epoch()
    {
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero), ClusterWork.SlotOf(Start, Minute));
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 12, 0, 10, TimeSpan.Zero), ClusterWork.SlotOf(Start, TimeSpan.FromSeconds(5)));
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero), ClusterWork.SlotOf(Start, TimeSpan.FromDays(1)));
    }

    private static ClusterWork Node(IDbConnectionFactory db, TimeProvider clock) =>
        new(db, new ClusterNode(), clock, NullLogger<ClusterWork>.Instance);

    private sealed class CountingWork(TimeSpan interval) : ISingletonWork
    {
        private int _runs;

        public int Runs => _runs;

        public string Name => "tests.counting";

        public TimeSpan Interval => interval;

        public Task RunAsync(CancellationToken ct)
        {
            Interlocked.Increment(ref _runs);
            return Task.CompletedTask;
        }
    }

    private sealed class BlockingWork(TimeSpan interval) : ISingletonWork
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Finish { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Name => "tests.blocking";

        public TimeSpan Interval => interval;

        public async Task RunAsync(CancellationToken ct)
        {
            Started.TrySetResult();
            await Finish.Task;
        }
    }
}
