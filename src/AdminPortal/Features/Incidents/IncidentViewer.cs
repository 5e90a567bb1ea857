using System.Security.Claims;
using AdminPortal.Features.Merchants.Access;
using Microsoft.AspNetCore.Components.Authorization;

namespace AdminPortal.Features.Incidents;

/// <summary>Who is looking at an Incidents page: their scope, and who they are when they act.</summary>
public sealed record IncidentViewer(AccessScope Scope, IncidentActor? Actor, ClaimsPrincipal User);

public sealed class IncidentViewerResolver(IAccessScopeProvider scopes)
{
    public async Task<IncidentViewer> ResolveAsync(Task<AuthenticationState>? authenticationState, CancellationToken ct = default)
    {
        var user = authenticationState is null ? new ClaimsPrincipal() : (await authenticationState).User;
        var scope = await scopes.GetAsync(user, ct);
        var actor = scope.PersonId is { } personId
            ? new IncidentActor(personId, scope.PersonName ?? user.FindFirstValue(ClaimTypes.Name) ?? personId.ToString())
            : null;
        return new IncidentViewer(scope, actor, user);
    }
}
