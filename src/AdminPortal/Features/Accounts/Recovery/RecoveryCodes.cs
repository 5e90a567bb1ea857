using System.Security.Cryptography;
using AdminPortal.Infrastructure.Database;
using Dapper;

namespace AdminPortal.Features.Accounts.Recovery;

/// <summary>
/// Ten single-use recovery codes per person, shown once and stored as SHA-256 hashes. Each code carries 80 random bits,
/// so a fast hash is enough: the hashes cannot be searched back to codes.
/// </summary>
public sealed class RecoveryCodes(IDbConnectionFactory db, TimeProvider clock)
{
    public const int CodesPerPerson = 10;

    // Crockford-style base32 without look-alike characters (no I, L, O, U).
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>Replaces the person's codes with ten new ones and returns them (the only time they exist in clear).</summary>
    public async Task<IReadOnlyList<string>> RegenerateAsync(Guid personId, CancellationToken ct = default)
    {
        var codes = Enumerable.Range(0, CodesPerPerson).Select(_ => NewCode()).ToList();
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM recovery_codes WHERE person_id = @personId", new { personId }, transaction, cancellationToken: ct));
        foreach (var code in codes)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO recovery_codes (id, person_id, code_hash, created_at) VALUES (@id, @personId, @hash, @now)",
                new { id = Guid.NewGuid(), personId, hash = Hash(code), now }, transaction, cancellationToken: ct));
        }

        await transaction.CommitAsync(ct);
        return codes;
    }

    /// <summary>Uses up a matching unused code; true once per code.</summary>
    public async Task<bool> RedeemAsync(Guid personId, string? code, CancellationToken ct = default)
    {
        var normalised = Normalise(code);
        if (normalised.Length != 16)
        {
            return false;
        }

        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE recovery_codes SET used_at = @now WHERE person_id = @personId AND code_hash = @hash AND used_at IS NULL",
            new { personId, hash = Hash(normalised), now = clock.GetUtcNow() }, cancellationToken: ct)) == 1;
    }

    public async Task<int> RemainingAsync(Guid personId, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        return (int)await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM recovery_codes WHERE person_id = @personId AND used_at IS NULL", new { personId }, cancellationToken: ct));
    }

    internal static string NewCode()
    {
        var chars = RandomNumberGenerator.GetItems<char>(Alphabet, 16);
        return $"{new string(chars, 0, 4)}-{new string(chars, 4, 4)}-{new string(chars, 8, 4)}-{new string(chars, 12, 4)}";
    }

    internal static string Normalise(string? code) =>
        new((code ?? "").ToUpperInvariant().Where(c => c is not ('-' or ' ')).Select(c => c switch { 'O' => '0', 'I' or 'L' => '1', _ => c }).ToArray());

    private static string Hash(string code) => Secrets.Hash("recovery:" + Normalise(code));
}
