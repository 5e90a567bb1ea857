using AdminPortal.Infrastructure.Database;
using Dapper;
using Microsoft.Extensions.Options;

namespace AdminPortal.Features.Accounts.WebAuthn;

/// <summary>What a pending ceremony is for; a challenge made for one purpose is refused for any other.</summary>
public static class CeremonyPurposes
{
    public const string Registration = "registration";
    public const string SecondFactor = "second-factor";
    public const string Passkey = "passkey";
    public const string StepUp = "step-up";
}

public sealed record PendingCeremony(Guid Id, string Purpose, Guid? PersonId, Guid? SessionId, string Options, DateTimeOffset ExpiresAt);

/// <summary>
/// WebAuthn options (with their challenge) kept server-side between the two halves of a ceremony: a browser or a
/// Blazor circuit has no server session to keep them in. Taking one deletes it, so each is used at most once.
/// </summary>
public sealed class PendingCeremonies(IDbConnectionFactory db, TimeProvider clock, IOptions<AccountsOptions> options)
{
    public async Task<Guid> SaveAsync(string purpose, Guid? personId, Guid? sessionId, string optionsJson, CancellationToken ct = default)
    {
        var id = Guid.NewGuid();
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenAsync(ct);
        // Expired ceremonies are worthless; clear them as new ones arrive.
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM webauthn_requests WHERE expires_at < @now", new { now }, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO webauthn_requests (id, purpose, person_id, session_id, options, created_at, expires_at)
            VALUES (@id, @purpose, @personId, @sessionId, @optionsJson, @now, @expiresAt)
            """,
            new { id, purpose, personId, sessionId, optionsJson, now, expiresAt = now + options.Value.CeremonyLifetime }, cancellationToken: ct));
        return id;
    }

    /// <summary>Removes and returns the ceremony when it exists, has this purpose and has not expired.</summary>
    public async Task<PendingCeremony?> TakeAsync(Guid id, string purpose, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            """
            DELETE FROM webauthn_requests WHERE id = @id
            RETURNING id AS Id, purpose AS Purpose, person_id AS PersonId, session_id AS SessionId, options AS Options, expires_at AS ExpiresAt
            """,
            new { id }, cancellationToken: ct));
        return row is null || row.Purpose != purpose || row.ExpiresAt <= clock.GetUtcNow()
            ? null
            : new PendingCeremony(row.Id, row.Purpose, row.PersonId, row.SessionId, row.Options, row.ExpiresAt);
    }

    private sealed class Row
    {
        public Guid Id { get; init; }
        public string Purpose { get; init; } = "";
        public Guid? PersonId { get; init; }
        public Guid? SessionId { get; init; }
        public string Options { get; init; } = "";
        public DateTimeOffset ExpiresAt { get; init; }
    }
}
