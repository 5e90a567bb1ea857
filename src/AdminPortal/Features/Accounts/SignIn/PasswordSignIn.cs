using AdminPortal.Features.Accounts.Passwords;
using AdminPortal.Features.Accounts.Security;
using AdminPortal.Infrastructure.Database;
using Dapper;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace AdminPortal.Features.Accounts.SignIn;

/// <summary>
/// The password step of sign-in, with lockout. Every refusal looks the same to the caller (unknown email, wrong
/// password, locked, disabled), and an unknown email costs the same hashing time, so nothing reveals an account.
/// </summary>
public sealed class PasswordSignIn(
    IDbConnectionFactory db,
    TimeProvider clock,
    IOptions<AccountsOptions> options,
    PersonDirectory people,
    ISecurityEvents events,
    ILogger<PasswordSignIn> logger)
{
    private static readonly PasswordHasher<Person> Hasher = new();

    // Verified against unknown emails so that they take as long as known ones.
    private static readonly string DummyHash = Hasher.HashPassword(null!, "not-a-real-password-0000");

    public async Task<Person?> VerifyAsync(string? email, string? password, ClientInfo client, CancellationToken ct = default)
    {
        var normalised = PersonDirectory.NormaliseEmail(email ?? "");
        var row = normalised.Length == 0 ? null : await FindSecretsAsync(normalised, ct);
        if (row is null || row.PasswordHash is null)
        {
            Hasher.VerifyHashedPassword(null!, DummyHash, password ?? "");
            await events.RecordAsync(new SecurityEvent("sign-in.failed", false, "A sign-in with an unknown email address or without a password was refused.",
                row?.Id), client, ct);
            return null;
        }

        var person = row.ToPerson();
        var now = clock.GetUtcNow();
        if (Lockout.IsLocked(row.LockedUntil, now))
        {
            Hasher.VerifyHashedPassword(person, row.PasswordHash, password ?? "");
            await events.RecordAsync(new SecurityEvent("sign-in.locked-out", false, $"{person.DisplayName} tried to sign in while the account is locked.",
                person.Id, person.DisplayName, Denied: true), client, ct);
            return null;
        }

        var verified = Hasher.VerifyHashedPassword(person, row.PasswordHash, password ?? "");
        if (verified == PasswordVerificationResult.Failed || !person.IsActive)
        {
            await RegisterFailureAsync(person, "wrong password", client, ct);
            return null;
        }

        if (verified == PasswordVerificationResult.SuccessRehashNeeded)
        {
            await StoreHashAsync(person.Id, Hasher.HashPassword(person, password!), ct);
        }

        return person;
    }

    /// <summary>Counts a failed attempt (password or recovery code) and locks the account at the limit.</summary>
    public async Task RegisterFailureAsync(Person person, string what, ClientInfo client, CancellationToken ct = default)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenAsync(ct);
        var before = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "UPDATE people SET failed_sign_ins = failed_sign_ins + 1 WHERE id = @id RETURNING failed_sign_ins - 1",
            new { id = person.Id }, cancellationToken: ct));
        var (_, lockedUntil) = Lockout.AfterFailure((int)before, now, settings.EffectiveMaxFailedAttempts, settings.EffectiveLockoutDuration);
        await events.RecordAsync(new SecurityEvent("sign-in.failed", false, $"A sign-in as {person.DisplayName} failed: {what}.",
            person.Id, person.DisplayName), client, ct);
        if (lockedUntil is not null)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE people SET failed_sign_ins = 0, locked_until = @lockedUntil WHERE id = @id",
                new { id = person.Id, lockedUntil }, cancellationToken: ct));
            logger.LogWarning("Account {PersonId} locked until {LockedUntil} after repeated failures", person.Id, lockedUntil);
            await events.RecordAsync(new SecurityEvent("sign-in.lockout", false,
                $"{person.DisplayName}'s account was locked until {lockedUntil:u} after {settings.EffectiveMaxFailedAttempts} failed attempts.",
                person.Id, person.DisplayName, Denied: true), client, ct);
        }
    }

    public async Task<bool> IsLockedAsync(Guid personId, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM people WHERE id = @personId AND locked_until IS NOT NULL AND locked_until > @now",
            new { personId, now = clock.GetUtcNow() }, cancellationToken: ct)) > 0;
    }

    /// <summary>A completed sign-in clears the failure count.</summary>
    public async Task ResetFailuresAsync(Guid personId, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE people SET failed_sign_ins = 0 WHERE id = @personId", new { personId }, cancellationToken: ct));
    }

    public async Task<bool> HasPasswordAsync(Guid personId, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT password_hash FROM people WHERE id = @personId", new { personId }, cancellationToken: ct)) is not null;
    }

    /// <summary>Sets the password; the caller has checked it against <see cref="PasswordPolicy"/>.</summary>
    public async Task SetPasswordAsync(Guid personId, string password, CancellationToken ct = default)
    {
        var person = await people.FindAsync(personId, ct) ?? throw new InvalidOperationException("No such person.");
        await StoreHashAsync(person.Id, Hasher.HashPassword(person, password), ct);
    }

    private async Task StoreHashAsync(Guid personId, string hash, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE people SET password_hash = @hash WHERE id = @personId", new { personId, hash }, cancellationToken: ct));
    }

    private async Task<SecretsRow?> FindSecretsAsync(string email, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<SecretsRow>(new CommandDefinition(
            $"SELECT {PersonDirectory.Columns}, password_hash AS PasswordHash, locked_until AS LockedUntil FROM people WHERE email = @email",
            new { email }, cancellationToken: ct));
    }

    private sealed class SecretsRow : PersonDirectory.PersonRow
    {
        public string? PasswordHash { get; init; }
        public DateTimeOffset? LockedUntil { get; init; }
    }
}
