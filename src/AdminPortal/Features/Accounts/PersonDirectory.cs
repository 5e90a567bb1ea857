using AdminPortal.Features.Accounts.Sessions;
using AdminPortal.Infrastructure.Database;
using Dapper;

namespace AdminPortal.Features.Accounts;

/// <summary>
/// The people of the portal. Other slices find and create people through this API (never the SQL); secrets
/// (password hash, keys, recovery codes) stay inside the Accounts slice.
/// </summary>
public sealed class PersonDirectory(IDbConnectionFactory db, TimeProvider clock, OneTimeTokens tokens, SessionStore sessions)
{
    internal const string Columns =
        "id AS Id, email AS Email, display_name AS DisplayName, is_platform_admin AS IsPlatformAdmin, status AS Status, created_at AS CreatedAt";

    public static string NormaliseEmail(string email) => email.Trim().ToLowerInvariant();

    public async Task<Person?> FindAsync(Guid id, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<PersonRow>(new CommandDefinition(
            $"SELECT {Columns} FROM people WHERE id = @id", new { id }, cancellationToken: ct));
        return row?.ToPerson();
    }

    public async Task<Person?> FindByEmailAsync(string email, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<PersonRow>(new CommandDefinition(
            $"SELECT {Columns} FROM people WHERE email = @email", new { email = NormaliseEmail(email) }, cancellationToken: ct));
        return row?.ToPerson();
    }

    public async Task<IReadOnlyList<Person>> ListAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<PersonRow>(new CommandDefinition(
            $"SELECT {Columns} FROM people ORDER BY display_name, email", cancellationToken: ct));
        return rows.Select(r => r.ToPerson()).ToList();
    }

    public async Task<bool> AnyPlatformAdminAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM people WHERE is_platform_admin = @yes AND status = 'active'", new { yes = true }, cancellationToken: ct)) > 0;
    }

    /// <summary>
    /// Creates a person with neither password nor key: they complete enrollment through a one-time link
    /// (<see cref="CreateEnrollmentLinkAsync"/>). Throws <see cref="InvalidOperationException"/> when the email is taken.
    /// </summary>
    public async Task<Person> CreateAsync(string email, string displayName, bool isPlatformAdmin, CancellationToken ct = default)
    {
        var normalised = NormaliseEmail(email);
        if (!EmailAddress.IsValid(normalised))
        {
            throw new ArgumentException("Give a valid email address.", nameof(email));
        }

        if (string.IsNullOrWhiteSpace(displayName))
        {
            throw new ArgumentException("Give a display name.", nameof(displayName));
        }

        var person = new Person(Guid.NewGuid(), normalised, displayName.Trim(), isPlatformAdmin, PersonStatus.Active, clock.GetUtcNow());
        await using var connection = await db.OpenAsync(ct);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO people (id, email, display_name, is_platform_admin, status, created_at)
            VALUES (@Id, @Email, @DisplayName, @IsPlatformAdmin, 'active', @CreatedAt)
            {SqlDialect.OnConflictDoNothing("email")}
            """,
            person, cancellationToken: ct));
        return inserted == 1 ? person : throw new InvalidOperationException("A person with this email address already exists.");
    }

    /// <summary>A one-time link (relative URL) where the person sets a password and enrolls a key.</summary>
    public async Task<string> CreateEnrollmentLinkAsync(Guid personId, TimeSpan lifetime, CancellationToken ct = default)
    {
        _ = await FindAsync(personId, ct) ?? throw new InvalidOperationException("No such person.");
        var token = await tokens.CreateAsync(OneTimeTokens.Enrollment, personId, lifetime, ct);
        // In the fragment, which browsers never send to a server (see EnrollmentLinkPage).
        return $"/enroll#{token}";
    }

    /// <summary>Disables the person and ends all their sessions, which also closes their open pages.</summary>
    public async Task DisableAsync(Guid personId, CancellationToken ct = default)
    {
        await using (var connection = await db.OpenAsync(ct))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE people SET status = 'disabled' WHERE id = @personId", new { personId }, cancellationToken: ct));
        }

        await sessions.EndAllAsync(personId, SessionEndReasons.Disabled, except: null, ct);
    }

    public async Task EnableAsync(Guid personId, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE people SET status = 'active' WHERE id = @personId", new { personId }, cancellationToken: ct));
    }

    internal class PersonRow
    {
        public Guid Id { get; init; }
        public string Email { get; init; } = "";
        public string DisplayName { get; init; } = "";
        public bool IsPlatformAdmin { get; init; }
        public string Status { get; init; } = "active";
        public DateTimeOffset CreatedAt { get; init; }

        public Person ToPerson() => new(Id, Email, DisplayName, IsPlatformAdmin,
            Status == "disabled" ? PersonStatus.Disabled : PersonStatus.Active, CreatedAt);
    }
}

internal static class EmailAddress
{
    public static bool IsValid(string email) =>
        email.Length is > 3 and <= 254 && System.Net.Mail.MailAddress.TryCreate(email, out var parsed) && parsed.Address == email;
}
