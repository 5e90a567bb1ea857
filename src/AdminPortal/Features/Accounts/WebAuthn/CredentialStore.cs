using AdminPortal.Infrastructure.Database;
using Dapper;

namespace AdminPortal.Features.Accounts.WebAuthn;

/// <summary>A WebAuthn credential (security key or passkey) of a person.</summary>
public sealed class SecurityKey
{
    public Guid Id { get; init; }
    public Guid PersonId { get; init; }
    public byte[] CredentialId { get; init; } = [];
    public byte[] PublicKey { get; init; } = [];
    public long SignCount { get; init; }
    public string Name { get; init; } = "";
    public Guid Aaguid { get; init; }
    public bool IsBackupEligible { get; init; }
    public bool IsBackedUp { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? LastUsedAt { get; init; }

    public string? Model => AuthenticatorModels.NameOf(Aaguid);
}

/// <summary>The webauthn_credentials table.</summary>
public sealed class CredentialStore(IDbConnectionFactory db, TimeProvider clock)
{
    private const string Columns =
        "id AS Id, person_id AS PersonId, credential_id AS CredentialId, public_key AS PublicKey, sign_count AS SignCount, name AS Name, " +
        "aaguid AS Aaguid, is_backup_eligible AS IsBackupEligible, is_backed_up AS IsBackedUp, created_at AS CreatedAt, last_used_at AS LastUsedAt";

    public async Task<IReadOnlyList<SecurityKey>> ListAsync(Guid personId, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<SecurityKey>(new CommandDefinition(
            $"SELECT {Columns} FROM webauthn_credentials WHERE person_id = @personId ORDER BY created_at", new { personId }, cancellationToken: ct));
        return rows.AsList();
    }

    public async Task<int> CountAsync(Guid personId, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        return (int)await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM webauthn_credentials WHERE person_id = @personId", new { personId }, cancellationToken: ct));
    }

    public async Task<SecurityKey?> FindByCredentialIdAsync(byte[] credentialId, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<SecurityKey>(new CommandDefinition(
            $"SELECT {Columns} FROM webauthn_credentials WHERE credential_id = @credentialId", new { credentialId }, cancellationToken: ct));
    }

    public async Task<bool> ExistsAsync(byte[] credentialId, CancellationToken ct = default) =>
        await FindByCredentialIdAsync(credentialId, ct) is not null;

    public async Task AddAsync(SecurityKey key, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO webauthn_credentials (id, person_id, credential_id, public_key, sign_count, name, aaguid, is_backup_eligible, is_backed_up, created_at)
            VALUES (@Id, @PersonId, @CredentialId, @PublicKey, @SignCount, @Name, @Aaguid, @IsBackupEligible, @IsBackedUp, @CreatedAt)
            """, key, cancellationToken: ct));
    }

    public async Task RecordUseAsync(Guid id, uint signCount, bool isBackedUp, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE webauthn_credentials SET sign_count = @signCount, is_backed_up = @isBackedUp, last_used_at = @now WHERE id = @id",
            new { id, signCount = (long)signCount, isBackedUp, now = clock.GetUtcNow() }, cancellationToken: ct));
    }

    public async Task<bool> RenameAsync(Guid personId, Guid id, string name, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE webauthn_credentials SET name = @name WHERE id = @id AND person_id = @personId",
            new { id, personId, name }, cancellationToken: ct)) == 1;
    }

    /// <summary>Removes the key unless it is the person's last one (checked in the same statement).</summary>
    public async Task<bool> RemoveUnlessLastAsync(Guid personId, Guid id, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            DELETE FROM webauthn_credentials
            WHERE id = @id AND person_id = @personId
              AND (SELECT count(*) FROM webauthn_credentials WHERE person_id = @personId) > 1
            """,
            new { id, personId }, cancellationToken: ct)) == 1;
    }
}
