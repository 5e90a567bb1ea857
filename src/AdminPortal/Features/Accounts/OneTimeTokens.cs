using System.Security.Cryptography;
using AdminPortal.Infrastructure.Database;
using Dapper;

namespace AdminPortal.Features.Accounts;

/// <summary>
/// One-time secrets handed to a person out of band (the first-start setup token, enrollment links). Only a SHA-256
/// hash is stored; redeeming marks the row used in the same statement that checks it, so a token works once.
/// </summary>
public sealed class OneTimeTokens(IDbConnectionFactory db, TimeProvider clock)
{
    public const string Setup = "setup";
    public const string Enrollment = "enrollment";

    public async Task<string> CreateAsync(string purpose, Guid? personId, TimeSpan lifetime, CancellationToken ct = default)
    {
        var token = Secrets.NewToken();
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO account_tokens (token_hash, purpose, person_id, created_at, expires_at)
            VALUES (@hash, @purpose, @personId, @now, @expiresAt)
            """,
            new { hash = Secrets.Hash(token), purpose, personId, now, expiresAt = now + lifetime }, cancellationToken: ct));
        return token;
    }

    /// <summary>True while the token is unused and unexpired (does not use it up).</summary>
    public async Task<Guid?> PeekAsync(string purpose, string? token, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return null;
        }

        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<TokenRow>(new CommandDefinition(
            """
            SELECT person_id AS PersonId FROM account_tokens
            WHERE token_hash = @hash AND purpose = @purpose AND used_at IS NULL AND expires_at > @now
            """,
            new { hash = Secrets.Hash(token.Trim()), purpose, now = clock.GetUtcNow() }, cancellationToken: ct));
        return row is null ? null : row.PersonId ?? Guid.Empty;
    }

    /// <summary>Uses the token up; returns its person (Guid.Empty for a token without one) or null when not valid.</summary>
    public async Task<Guid?> RedeemAsync(string purpose, string? token, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return null;
        }

        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<TokenRow>(new CommandDefinition(
            """
            UPDATE account_tokens SET used_at = @now
            WHERE token_hash = @hash AND purpose = @purpose AND used_at IS NULL AND expires_at > @now
            RETURNING person_id AS PersonId
            """,
            new { hash = Secrets.Hash(token.Trim()), purpose, now = clock.GetUtcNow() }, cancellationToken: ct));
        return row is null ? null : row.PersonId ?? Guid.Empty;
    }

    private sealed class TokenRow
    {
        public Guid? PersonId { get; init; }
    }
}

/// <summary>Random tokens and their stored hashes.</summary>
internal static class Secrets
{
    public static string NewToken(int bytes = 32) => Base64Url(RandomNumberGenerator.GetBytes(bytes));

    public static string Hash(string token) => Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
