using Microsoft.AspNetCore.Components.Authorization;

namespace AdminPortal.Features.Merchants.Access;

/// <summary>The signed-in person's <see cref="AccessScope"/> for a page (one per circuit or request).</summary>
public sealed class CurrentAccess(AuthenticationStateProvider authentication, IAccessScopeProvider scopes)
{
    public async Task<AccessScope> GetAsync(CancellationToken cancellationToken = default)
    {
        var state = await authentication.GetAuthenticationStateAsync();
        return await scopes.GetAsync(state.User, cancellationToken);
    }
}
