using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using Dapper;

namespace AdminPortal.IntegrationTests.Infrastructure;

public sealed class TypeHandlerTests
{
    public enum Colour
    {
        Red = 1,
        Green = 2,
    }

    public sealed record Payload(string Name, int[] Numbers, DateTimeOffset At);

    public sealed class Row
    {
        public Guid Id { get; init; }
        public Guid? MaybeId { get; init; }
        public DateTimeOffset At { get; init; }
        public DateTimeOffset? MaybeAt { get; init; }
        public Colour Colour { get; init; }
        public Payload? Payload { get; init; }
        public long Amount { get; init; }
    }

    static TypeHandlerTests() => DapperTypeHandlers.AddJson<Payload>();

    [Theory, BothDatabases]
    public async Task Guid_time_enum_json_and_nulls_round_trip(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var connections = database.CreateConnectionFactory();
        await using var connection = await connections.OpenAsync();
        await connection.ExecuteAsync(provider == DatabaseProvider.Sqlite
            ? "CREATE TABLE probe (id TEXT PRIMARY KEY, maybe_id TEXT, at TEXT NOT NULL, maybe_at TEXT, colour INTEGER NOT NULL, payload TEXT, amount INTEGER NOT NULL)"
            : "CREATE TABLE probe (id uuid PRIMARY KEY, maybe_id uuid, at timestamptz NOT NULL, maybe_at timestamptz, colour integer NOT NULL, payload jsonb, amount bigint NOT NULL)");

        // A non-UTC offset on the way in must come back as the same instant in UTC.
        var at = new DateTimeOffset(2026, 3, 29, 2, 30, 15, TimeSpan.FromHours(2)).AddTicks(1234567);
        var written = new Row
        {
            Id = Guid.NewGuid(),
            MaybeId = null,
            At = at,
            MaybeAt = at.AddDays(1),
            Colour = Colour.Green,
            Payload = new Payload("ring-1", [1, 5, 20], at),
            Amount = 12_345_678_901,
        };
        await connection.ExecuteAsync(
            "INSERT INTO probe (id, maybe_id, at, maybe_at, colour, payload, amount) VALUES (@Id, @MaybeId, @At, @MaybeAt, @Colour, @Payload, @Amount)",
            written);

        var read = await connection.QuerySingleAsync<Row>(
            "SELECT id AS Id, maybe_id AS MaybeId, at AS At, maybe_at AS MaybeAt, colour AS Colour, payload AS Payload, amount AS Amount FROM probe WHERE id = @id",
            new { id = written.Id });

        Assert.Equal(written.Id, read.Id);
        Assert.Null(read.MaybeId);
        // PostgreSQL keeps microseconds: compare at that precision on both.
        Assert.Equal(TruncateToMicroseconds(at), read.At);
        Assert.Equal(TimeSpan.Zero, read.At.Offset);
        Assert.Equal(TruncateToMicroseconds(at.AddDays(1)), read.MaybeAt);
        Assert.Equal(Colour.Green, read.Colour);
        Assert.Equal("ring-1", read.Payload!.Name);
        Assert.Equal([1, 5, 20], read.Payload.Numbers);
        Assert.Equal(written.Amount, read.Amount);
    }

    [Theory, BothDatabases]
    public async Task Times_compare_and_sort_as_instants(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var connection = await database.CreateConnectionFactory().OpenAsync();
        await connection.ExecuteAsync(provider == DatabaseProvider.Sqlite
            ? "CREATE TABLE probe (id TEXT PRIMARY KEY, at TEXT NOT NULL)"
            : "CREATE TABLE probe (id uuid PRIMARY KEY, at timestamptz NOT NULL)");
        var noonUtc = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        var early = Guid.NewGuid();
        var late = Guid.NewGuid();
        // 13:30 at +02:00 is 11:30 UTC: earlier than noon UTC although its local clock reads later.
        await connection.ExecuteAsync("INSERT INTO probe (id, at) VALUES (@id, @at)", new { id = early, at = new DateTimeOffset(2026, 11, 25, 13, 30, 0, TimeSpan.FromHours(2)) });
        await connection.ExecuteAsync("INSERT INTO probe (id, at) VALUES (@id, @at)", new { id = late, at = noonUtc.AddMinutes(5) });

        var before = await connection.QueryAsync<Guid>("SELECT id FROM probe WHERE at < @noonUtc ORDER BY at", new { noonUtc });
        var ordered = await connection.QueryAsync<Guid>("SELECT id FROM probe ORDER BY at");

        Assert.Equal([early], before);
        Assert.Equal([early, late], ordered);
    }

    private static DateTimeOffset TruncateToMicroseconds(DateTimeOffset value) =>
        new DateTimeOffset(value.UtcTicks - (value.UtcTicks % 10), TimeSpan.Zero);
}
