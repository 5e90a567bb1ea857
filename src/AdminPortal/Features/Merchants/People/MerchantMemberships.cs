using System.Security.Claims;
using AdminPortal.Features.Accounts;
using AdminPortal.Features.Accounts.StepUp;
using AdminPortal.Features.Audit;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Features.Merchants.Editing;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Infrastructure.Validation;
using Dapper;

namespace AdminPortal.Features.Merchants.People;

/// <summary>A person's role in a merchant, as the merchant's people list shows it.</summary>
public sealed record Member(Guid PersonId, string DisplayName, string Email, PersonStatus Status, MerchantRole Role, DateTimeOffset GrantedAt);

/// <summary>An invitation's outcome: the one-time link to hand over (null when the person already had an account).</summary>
public sealed record Invitation(Person Person, MerchantRole Role, string? EnrollmentLink, DateTimeOffset? ExpiresAt);

/// <summary>
/// Who holds which role in a merchant. Owners manage owners and compliance officers of their merchant; platform admins
/// manage everyone and alone assign support agents. Every change needs a fresh WebAuthn assertion (step-up) and is audited.
/// </summary>
public sealed class MerchantMemberships(
    IDbConnectionFactory db, IAccessScopeProvider scopes, PersonDirectory people, IStepUp stepUp, IAuditLog audit, TimeProvider clock,
    Microsoft.Extensions.Options.IOptions<InvitationOptions> invitationOptions)
{
    public async Task<IReadOnlyList<Member>> ListAsync(AccessScope scope, Guid merchantId, CancellationToken ct = default)
    {
        if (!scope.CanSee(merchantId))
        {
            return [];
        }

        await using var connection = await db.OpenAsync(ct);
        var rows = (await connection.QueryAsync<MembershipRow>(new CommandDefinition(
            "SELECT person_id AS PersonId, role AS Role, granted_at AS GrantedAt FROM merchant_memberships WHERE merchant_id = @merchantId",
            new { merchantId }, cancellationToken: ct))).AsList();
        var members = new List<Member>(rows.Count);
        foreach (var row in rows)
        {
            if (await people.FindAsync(row.PersonId, ct) is { } person)
            {
                members.Add(new Member(person.Id, person.DisplayName, person.Email, person.Status, row.Role, row.GrantedAt));
            }
        }

        return members.OrderBy(m => m.Role).ThenBy(m => m.DisplayName, StringComparer.CurrentCultureIgnoreCase).ToList();
    }

    /// <summary>
    /// Invites a person by email into the merchant with a role. A new person gets a one-time enrollment link
    /// (password + security key) that expires; an existing person simply gains the role.
    /// </summary>
    public async Task<Invitation> InviteAsync(ClaimsPrincipal user, Guid merchantId, string email, string displayName, MerchantRole role, CancellationToken ct = default)
    {
        var scope = await scopes.GetAsync(user, ct);
        RequireManager(scope, merchantId, role);
        var errors = new ValidationErrors().Require("DisplayName", displayName, "Name", 120);
        if (string.IsNullOrWhiteSpace(email) || !email.Contains('@') || email.Trim().Length > 254)
        {
            errors.Add("Email", "Give a valid email address.");
        }

        errors.ThrowIfAny();
        await stepUp.EnsureFreshAsync(user, ct);

        var existing = await people.FindByEmailAsync(email, ct);
        var person = existing ?? await StaffAdministration.CreatePersonAsync(people, email, displayName, isPlatformAdmin: false, ct);
        await GrantCoreAsync(scope, merchantId, person, role, ct);
        if (existing is not null)
        {
            return new Invitation(person, role, null, null);
        }

        var lifetime = invitationOptions.Value.Lifetime;
        var link = await people.CreateEnrollmentLinkAsync(person.Id, lifetime, ct);
        await audit.RecordAsync(Event(scope, "person.invited", merchantId, $"Invited {person.Email} as {Describe(role)} (link valid {lifetime.TotalHours:0} h)", person.Id), ct);
        return new Invitation(person, role, link, clock.GetUtcNow().Add(lifetime));
    }

    public async Task GrantAsync(ClaimsPrincipal user, Guid merchantId, Guid personId, MerchantRole role, CancellationToken ct = default)
    {
        var scope = await scopes.GetAsync(user, ct);
        RequireManager(scope, merchantId, role);
        await stepUp.EnsureFreshAsync(user, ct);
        var person = await people.FindAsync(personId, ct) ?? throw new AccessDeniedException("That person does not exist.");
        await GrantCoreAsync(scope, merchantId, person, role, ct);
    }

    public async Task RevokeAsync(ClaimsPrincipal user, Guid merchantId, Guid personId, MerchantRole role, CancellationToken ct = default)
    {
        var scope = await scopes.GetAsync(user, ct);
        RequireManager(scope, merchantId, role);
        await stepUp.EnsureFreshAsync(user, ct);

        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (role == MerchantRole.Owner && !scope.IsPlatformAdmin)
        {
            // An owner must not lock the merchant out of its own administration.
            var owners = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT count(*) FROM merchant_memberships WHERE merchant_id = @merchantId AND role = @role",
                new { merchantId, role = (int)MerchantRole.Owner }, transaction, cancellationToken: ct));
            if (owners <= 1)
            {
                throw new AccessDeniedException("A merchant keeps at least one owner: make someone else owner first.");
            }
        }

        var removed = await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM merchant_memberships WHERE merchant_id = @merchantId AND person_id = @personId AND role = @role",
            new { merchantId, personId, role = (int)role }, transaction, cancellationToken: ct));
        if (removed == 0)
        {
            throw new AccessDeniedException("That person does not hold this role here.");
        }

        var person = await people.FindAsync(personId, ct);
        await audit.RecordAsync(Event(scope, "role.revoked", merchantId, $"Removed {person?.Email ?? personId.ToString()} as {Describe(role)}", personId),
            connection, transaction, ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>Merchants a person holds a role in (any role), for the people administration page.</summary>
    public async Task<IReadOnlyList<MerchantGrant>> GrantsOfAsync(Guid personId, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<GrantRow>(new CommandDefinition(
            "SELECT merchant_id AS MerchantId, role AS Role FROM merchant_memberships WHERE person_id = @personId",
            new { personId }, cancellationToken: ct));
        return rows.Select(r => new MerchantGrant(r.MerchantId, r.Role)).ToList();
    }

    private async Task GrantCoreAsync(AccessScope scope, Guid merchantId, Person person, MerchantRole role, CancellationToken ct)
    {
        if (person.IsPlatformAdmin)
        {
            throw new AccessDeniedException("Platform admins already see every merchant; they need no merchant role.");
        }

        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO merchant_memberships (merchant_id, person_id, role, granted_at, granted_by)
            VALUES (@merchantId, @personId, @role, @now, @grantedBy)
            {SqlDialect.OnConflictDoNothing("merchant_id, person_id, role")}
            """,
            new { merchantId, personId = person.Id, role = (int)role, now = clock.GetUtcNow(), grantedBy = scope.PersonId }, transaction, cancellationToken: ct));
        if (inserted > 0)
        {
            await audit.RecordAsync(Event(scope, "role.granted", merchantId, $"Gave {person.Email} the role {Describe(role)}", person.Id), connection, transaction, ct);
        }

        await transaction.CommitAsync(ct);
    }

    private static void RequireManager(AccessScope scope, Guid merchantId, MerchantRole role)
    {
        if (role == MerchantRole.SupportAgent ? !scope.IsPlatformAdmin : !scope.Has(merchantId, MerchantRole.Owner))
        {
            throw new AccessDeniedException(role == MerchantRole.SupportAgent
                ? "Only platform admins assign support agents."
                : "Only platform admins and the merchant's owners manage its people.");
        }
    }

    public static string Describe(MerchantRole role) => role switch
    {
        MerchantRole.Owner => "merchant owner",
        MerchantRole.ComplianceOfficer => "compliance officer",
        MerchantRole.SupportAgent => "support agent",
        _ => role.ToString(),
    };

    private static AuditEvent Event(AccessScope scope, string action, Guid merchantId, string summary, Guid personId) => new()
    {
        Category = "people",
        Action = action,
        Summary = summary,
        ActorId = scope.PersonId,
        ActorName = scope.PersonName,
        MerchantId = merchantId,
        TargetType = "person",
        TargetId = personId.ToString("D"),
    };

    private sealed class MembershipRow
    {
        public Guid PersonId { get; init; }
        public MerchantRole Role { get; init; }
        public DateTimeOffset GrantedAt { get; init; }
    }

    private sealed class GrantRow
    {
        public Guid MerchantId { get; init; }
        public MerchantRole Role { get; init; }
    }
}

public sealed class InvitationOptions
{
    public const string SectionName = "Invitations";

    /// <summary>How long an invitation link stays valid (72 hours by default).</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(72);
}
