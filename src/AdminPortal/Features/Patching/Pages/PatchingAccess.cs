using System.Security.Claims;
using AdminPortal.Features.Merchants.Access;
using Microsoft.AspNetCore.Components.Authorization;

namespace AdminPortal.Features.Patching.Pages;

/// <summary>Who is looking at a Patching page: their tenant scope and their name for the audit log.</summary>
public sealed record PatchingViewer(AccessScope Scope, PatchingActor Actor)
{
    public bool CanChange(Guid merchantId) => Scope.Has(merchantId, MerchantRole.Owner);
}

/// <summary>Resolves the viewer through the portal's <see cref="IAccessScopeProvider"/>.</summary>
public sealed class PatchingAccess(IAccessScopeProvider scopes)
{
    public async Task<PatchingViewer> ResolveAsync(Task<AuthenticationState>? authenticationState, CancellationToken ct = default)
    {
        var user = authenticationState is null ? new ClaimsPrincipal(new ClaimsIdentity()) : (await authenticationState).User;
        return new PatchingViewer(await scopes.GetAsync(user, ct), PatchingActor.From(user));
    }
}
