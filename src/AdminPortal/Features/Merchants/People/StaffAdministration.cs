using System.Security.Claims;
using AdminPortal.Features.Accounts;
using AdminPortal.Features.Accounts.StepUp;
using AdminPortal.Features.Audit;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Features.Merchants.Editing;
using AdminPortal.Infrastructure.Validation;
using Microsoft.Extensions.Options;

namespace AdminPortal.Features.Merchants.People;

/// <summary>A person as the people administration page lists them: identity, status and every merchant role.</summary>
public sealed record PersonOverview(Person Person, IReadOnlyList<MerchantGrant> Grants);

/// <summary>
/// Platform admins manage the provider's staff: invite platform admins and support agents, disable and re-enable
/// anyone. Each change needs step-up and is audited; disabling ends the person's sessions and open pages.
/// </summary>
public sealed class StaffAdministration(
    IAccessScopeProvider scopes, PersonDirectory people, MerchantMemberships memberships, IStepUp stepUp, IAuditLog audit,
    TimeProvider clock, IOptions<InvitationOptions> invitationOptions)
{
    public async Task<IReadOnlyList<PersonOverview>> ListAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        await RequirePlatformAdminAsync(user, ct);
        var result = new List<PersonOverview>();
        foreach (var person in await people.ListAsync(ct))
        {
            result.Add(new PersonOverview(person, await memberships.GrantsOfAsync(person.Id, ct)));
        }

        return result;
    }

    /// <summary>Invites a platform admin or a support agent (who then gets merchants assigned).</summary>
    public async Task<Invitation> InviteStaffAsync(ClaimsPrincipal user, string email, string displayName, bool platformAdmin, CancellationToken ct = default)
    {
        var scope = await RequirePlatformAdminAsync(user, ct);
        new ValidationErrors().Require("DisplayName", displayName, "Name", 120).ThrowIfAny();
        await stepUp.EnsureFreshAsync(user, ct);
        if (await people.FindByEmailAsync(email, ct) is not null)
        {
            new ValidationErrors().Add("Email", "A person with this email address already exists.").ThrowIfAny();
        }

        var person = await CreatePersonAsync(people, email, displayName, platformAdmin, ct);
        var lifetime = invitationOptions.Value.Lifetime;
        var link = await people.CreateEnrollmentLinkAsync(person.Id, lifetime, ct);
        await audit.RecordAsync(Event(scope, "person.invited",
            $"Invited {person.Email} as {(platformAdmin ? "platform admin" : "support agent")} (link valid {lifetime.TotalHours:0} h)", person.Id), ct);
        return new Invitation(person, MerchantRole.SupportAgent, link, clock.GetUtcNow().Add(lifetime));
    }

    public async Task DisableAsync(ClaimsPrincipal user, Guid personId, CancellationToken ct = default)
    {
        var scope = await RequirePlatformAdminAsync(user, ct);
        if (scope.PersonId == personId)
        {
            throw new AccessDeniedException("You cannot disable yourself.");
        }

        await stepUp.EnsureFreshAsync(user, ct);
        var person = await people.FindAsync(personId, ct) ?? throw new AccessDeniedException("That person does not exist.");
        await people.DisableAsync(personId, ct);
        await audit.RecordAsync(Event(scope, "person.disabled", $"Disabled {person.Email} and ended their sessions", personId), ct);
    }

    public async Task EnableAsync(ClaimsPrincipal user, Guid personId, CancellationToken ct = default)
    {
        var scope = await RequirePlatformAdminAsync(user, ct);
        await stepUp.EnsureFreshAsync(user, ct);
        var person = await people.FindAsync(personId, ct) ?? throw new AccessDeniedException("That person does not exist.");
        await people.EnableAsync(personId, ct);
        await audit.RecordAsync(Event(scope, "person.enabled", $"Re-enabled {person.Email}", personId), ct);
    }

    /// <summary>Creates a person, turning the directory's argument errors into field errors for the form.</summary>
    internal static async Task<Person> CreatePersonAsync(PersonDirectory people, string email, string displayName, bool isPlatformAdmin, CancellationToken ct)
    {
        try
        {
            return await people.CreateAsync(email, displayName.Trim(), isPlatformAdmin, ct);
        }
        catch (ArgumentException ex)
        {
            throw new InputValidationException(new Dictionary<string, string[]>
            {
                [ex.ParamName == "displayName" ? "DisplayName" : "Email"] = [ex.Message.Split(" (Parameter")[0]],
            });
        }
        catch (InvalidOperationException ex)
        {
            throw new InputValidationException(new Dictionary<string, string[]> { ["Email"] = [ex.Message] });
        }
    }

    private async Task<AccessScope> RequirePlatformAdminAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        var scope = await scopes.GetAsync(user, ct);
        return scope.IsPlatformAdmin ? scope : throw new AccessDeniedException("Only platform admins manage people.");
    }

    private static AuditEvent Event(AccessScope scope, string action, string summary, Guid personId) => new()
    {
        Category = "people",
        Action = action,
        Summary = summary,
        ActorId = scope.PersonId,
        ActorName = scope.PersonName,
        TargetType = "person",
        TargetId = personId.ToString("D"),
    };
}
