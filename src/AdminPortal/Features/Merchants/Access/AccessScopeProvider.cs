using System.Security.Claims;
using AdminPortal.Features.Accounts;
using AdminPortal.Infrastructure.Database;
using Dapper;

namespace AdminPortal.Features.Merchants.Access;

/// <summary>
/// Reads a person's scope from the database on every call, so a revoked role or a disabled person loses access
/// at the next page load or request, not at the next sign-in. The scope is focused on the merchant chosen in the app
/// bar (<see cref="CurrentMerchantAccessor"/>: the circuit's choice, or the browser's remembered one), which can only
/// narrow it.
/// </summary>
internal sealed class AccessScopeProvider(IDbConnectionFactory db, PersonDirectory people, CurrentMerchantAccessor currentMerchant)
    : IAccessScopeProvider
{
    public async Task<AccessScope> GetAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        var focus = currentMerchant.MerchantId;
        var scope = await ReadAsync(user, cancellationToken);
        return focus is { } merchantId ? scope.FocusOn(merchantId) : scope;
    }

    private async Task<AccessScope> ReadAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (!PortalClaims.IsFullySignedIn(user) || PortalClaims.PersonId(user) is not { } personId)
        {
            return AccessScope.Nobody;
        }

        var person = await people.FindAsync(personId, cancellationToken);
        if (person is not { IsActive: true })
        {
            return AccessScope.Nobody;
        }

        if (person.IsPlatformAdmin)
        {
            return AccessScope.PlatformAdmin(person.Id, person.DisplayName);
        }

        await using var connection = await db.OpenAsync(cancellationToken);
        var grants = await connection.QueryAsync<GrantRow>(new CommandDefinition(
            "SELECT merchant_id AS MerchantId, role AS Role FROM merchant_memberships WHERE person_id = @personId",
            new { personId }, cancellationToken: cancellationToken));
        return new AccessScope(person.Id, false, grants.Select(g => new MerchantGrant(g.MerchantId, g.Role)).ToList(), person.DisplayName);
    }

    private sealed class GrantRow
    {
        public Guid MerchantId { get; init; }
        public MerchantRole Role { get; init; }
    }
}
