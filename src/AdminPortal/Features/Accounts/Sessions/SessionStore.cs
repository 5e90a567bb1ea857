using AdminPortal.Infrastructure.Database;
using AdminPortal.Infrastructure.LiveUpdates;
using Dapper;
using Microsoft.Extensions.Options;

namespace AdminPortal.Features.Accounts.Sessions;

/// <summary>A server-side session; the browser holds only a random token whose SHA-256 hash names the row.</summary>
public sealed class PortalSession
{
    public Guid Id { get; init; }
    public Guid PersonId { get; init; }
    public string Level { get; init; } = SessionLevels.Full;
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset LastSeenAt { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? LastAssertionAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
    public string? IpAddress { get; init; }
    public string? UserAgent { get; init; }
}

public static class SessionEndReasons
{
    public const string SignedOut = "signed-out";
    public const string SignedOutEverywhere = "signed-out-everywhere";
    public const string Idle = "idle";
    public const string Expired = "expired";
    public const string Disabled = "person-disabled";
    public const string Promoted = "promoted";
}

/// <summary>
/// Creates, checks and ends sessions. Idle (PCI DSS 8.2.8) and absolute limits are enforced when a session is resolved;
/// ending sessions also tells this process's open circuits through <see cref="SessionRevocations"/>.
/// </summary>
public sealed class SessionStore(IDbConnectionFactory db, TimeProvider clock, IOptions<AccountsOptions> options, SessionRevocations revocations)
{
    private const string Columns =
        "id AS Id, person_id AS PersonId, level AS Level, created_at AS CreatedAt, last_seen_at AS LastSeenAt, expires_at AS ExpiresAt, " +
        "last_assertion_at AS LastAssertionAt, ended_at AS EndedAt, ip_address AS IpAddress, user_agent AS UserAgent";

    // A session that has only passed the password step lives just long enough to present the key.
    private static readonly TimeSpan PartialLifetime = TimeSpan.FromMinutes(10);

    private AccountsOptions Options => options.Value;

    /// <summary>Starts a session and returns it with the token for the cookie (the only place the token exists).</summary>
    public async Task<(PortalSession Session, string Token)> CreateAsync(Guid personId, string level, bool assertedNow,
        Security.ClientInfo client, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var token = Secrets.NewToken();
        var session = new PortalSession
        {
            Id = Guid.NewGuid(),
            PersonId = personId,
            Level = level,
            CreatedAt = now,
            LastSeenAt = now,
            ExpiresAt = now + (level == SessionLevels.Full ? Options.EffectiveAbsoluteLifetime : PartialLifetime),
            LastAssertionAt = assertedNow ? now : null,
            IpAddress = client.IpAddress,
            UserAgent = client.UserAgent,
        };
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO portal_sessions (id, token_hash, person_id, level, created_at, last_seen_at, expires_at, last_assertion_at, ip_address, user_agent)
            VALUES (@Id, @tokenHash, @PersonId, @Level, @CreatedAt, @LastSeenAt, @ExpiresAt, @LastAssertionAt, @IpAddress, @UserAgent)
            """,
            new { session.Id, tokenHash = Secrets.Hash(token), session.PersonId, session.Level, session.CreatedAt, session.LastSeenAt,
                session.ExpiresAt, session.LastAssertionAt, session.IpAddress, session.UserAgent },
            cancellationToken: ct));
        return (session, token);
    }

    /// <summary>
    /// Moves a session to a higher level (e.g. key presented after the password) under a new token, so a token seen
    /// before the step is worth nothing after it.
    /// </summary>
    public async Task<(PortalSession Session, string Token)> PromoteAsync(PortalSession current, string level, bool assertedNow,
        Security.ClientInfo client, CancellationToken ct = default)
    {
        await EndAsync(current.Id, SessionEndReasons.Promoted, ct);
        return await CreateAsync(current.PersonId, level, assertedNow, client, ct);
    }

    /// <summary>The live session of a cookie token, or null. Ends it when idle or past its lifetime; optionally marks it seen.</summary>
    public async Task<PortalSession?> ResolveAsync(string? token, bool touch, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 200)
        {
            return null;
        }

        await using var connection = await db.OpenAsync(ct);
        var session = await connection.QuerySingleOrDefaultAsync<PortalSession>(new CommandDefinition(
            $"SELECT {Columns} FROM portal_sessions WHERE token_hash = @hash AND ended_at IS NULL",
            new { hash = Secrets.Hash(token) }, cancellationToken: ct));
        return await CheckAsync(connection, session, touch, ct);
    }

    /// <summary>The live session with this id (for open pages and step-up checks); never marks it seen.</summary>
    public async Task<PortalSession?> FindActiveAsync(Guid sessionId, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        var session = await connection.QuerySingleOrDefaultAsync<PortalSession>(new CommandDefinition(
            $"SELECT {Columns} FROM portal_sessions WHERE id = @sessionId AND ended_at IS NULL",
            new { sessionId }, cancellationToken: ct));
        return await CheckAsync(connection, session, touch: false, ct);
    }

    public async Task<IReadOnlyList<PortalSession>> ListActiveAsync(Guid personId, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<PortalSession>(new CommandDefinition(
            $"SELECT {Columns} FROM portal_sessions WHERE person_id = @personId AND ended_at IS NULL AND expires_at > @now ORDER BY created_at DESC",
            new { personId, now = clock.GetUtcNow() }, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>Records a fresh WebAuthn assertion on the session (the step-up clock).</summary>
    public async Task MarkAssertedAsync(Guid sessionId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE portal_sessions SET last_assertion_at = @now, last_seen_at = @now WHERE id = @sessionId AND ended_at IS NULL",
            new { sessionId, now }, cancellationToken: ct));
    }

    /// <summary>Marks the session as used now (the person did something), keeping it from going idle.</summary>
    public async Task TouchAsync(Guid sessionId, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE portal_sessions SET last_seen_at = @now WHERE id = @sessionId AND ended_at IS NULL",
            new { sessionId, now = clock.GetUtcNow() }, cancellationToken: ct));
    }

    public async Task EndAsync(Guid sessionId, string reason, CancellationToken ct = default)
    {
        await using (var connection = await db.OpenAsync(ct))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE portal_sessions SET ended_at = @now, end_reason = @reason WHERE id = @sessionId AND ended_at IS NULL",
                new { sessionId, reason, now = clock.GetUtcNow() }, cancellationToken: ct));
        }

        revocations.SessionEnded(sessionId);
    }

    /// <summary>Ends every live session of the person (optionally but one); returns how many ended.</summary>
    public async Task<int> EndAllAsync(Guid personId, string reason, Guid? except, CancellationToken ct = default)
    {
        IEnumerable<Guid> ended;
        await using (var connection = await db.OpenAsync(ct))
        {
            ended = await connection.QueryAsync<Guid>(new CommandDefinition(
                $"""
                UPDATE portal_sessions SET ended_at = @now, end_reason = @reason
                WHERE person_id = @personId AND ended_at IS NULL {(except is null ? "" : "AND id <> @except")}
                RETURNING id
                """,
                new { personId, reason, except, now = clock.GetUtcNow() }, cancellationToken: ct));
        }

        var list = ended.AsList();
        foreach (var id in list)
        {
            revocations.SessionEnded(id);
        }

        revocations.PersonChanged(personId);
        return list.Count;
    }

    private async Task<PortalSession?> CheckAsync(System.Data.Common.DbConnection connection, PortalSession? session, bool touch, CancellationToken ct)
    {
        if (session is null)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        var idle = now - session.LastSeenAt > Options.EffectiveIdleTimeout;
        if (idle || now >= session.ExpiresAt)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE portal_sessions SET ended_at = @now, end_reason = @reason WHERE id = @id AND ended_at IS NULL",
                new { id = session.Id, now, reason = idle ? SessionEndReasons.Idle : SessionEndReasons.Expired }, cancellationToken: ct));
            revocations.SessionEnded(session.Id);
            return null;
        }

        // Writing on every request would make each page load a write; a fraction of the idle limit is precise enough.
        if (touch && now - session.LastSeenAt > TimeSpan.FromTicks(Options.EffectiveIdleTimeout.Ticks / 20))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE portal_sessions SET last_seen_at = @now WHERE id = @id", new { id = session.Id, now }, cancellationToken: ct));
        }

        return session;
    }
}

/// <summary>
/// Notice that sessions ended, so open circuits of those sessions close at once: in this instance and, over the shared
/// live updates (PostgreSQL LISTEN/NOTIFY), in every other portal instance too. Handlers run on the thread pool.
/// </summary>
public sealed class SessionRevocations : IDisposable
{
    // People and sessions belong to no merchant: their notices go to the empty topic, heard by all-merchant subscribers.
    private static readonly Guid PlatformTopic = Guid.Empty;

    private readonly ILiveUpdates _live;
    private readonly IDisposable[] _subscriptions;

    public SessionRevocations(ILiveUpdates live)
    {
        _live = live;
        _subscriptions =
        [
            live.Subscribe<SessionEndedNotice>(null, notice =>
            {
                Ended?.Invoke(notice.SessionId);
                return Task.CompletedTask;
            }),
            live.Subscribe<PersonChangedNotice>(null, notice =>
            {
                PersonUpdated?.Invoke(notice.PersonId);
                return Task.CompletedTask;
            }),
        ];
    }

    public event Action<Guid>? Ended;

    public event Action<Guid>? PersonUpdated;

    public void SessionEnded(Guid sessionId) => _live.Publish(PlatformTopic, new SessionEndedNotice(sessionId));

    public void PersonChanged(Guid personId) => _live.Publish(PlatformTopic, new PersonChangedNotice(personId));

    public void Dispose()
    {
        foreach (var subscription in _subscriptions)
        {
            subscription.Dispose();
        }
    }
}

public sealed record SessionEndedNotice(Guid SessionId);

public sealed record PersonChangedNotice(Guid PersonId);
