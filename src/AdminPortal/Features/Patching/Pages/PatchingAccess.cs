using System.Security.Claims;
using AdminPortal.Features.Merchants.Access;
using Microsoft.AspNetCore.Components.Authorization;

namespace AdminPortal.Features.Patching.Pages;

/// <summary>Who is looking at a Patching page: their tenant scope and their name for the audit log.</summary>
public sealed record PatchingViewer(AccessScope Scope, PatchingActor Actor)
{
    public bool CanChange(Guid merchantId) => Scope.Has(merchantId, MerchantRole.Owner);
}

/// <summary>
/// Resolves the viewer through <see cref="IAccessScopeProvider"/> (registered by the integrator). Until it exists,
/// Development runs get a platform-admin stand-in so the screens can be looked at; every other environment gets
/// <see cref="AccessScope.Nobody"/>, so a missing registration never opens data up.
/// </summary>
public sealed class PatchingAccess(IServiceProvider services, IHostEnvironment environment)
{
    public static readonly Guid DevelopmentOperatorId = Guid.Parse("de7e1000-0000-4000-8000-000000000001");

    public async Task<PatchingViewer> ResolveAsync(Task<AuthenticationState>? authenticationState, CancellationToken ct = default)
    {
        var user = authenticationState is null ? new ClaimsPrincipal(new ClaimsIdentity()) : (await authenticationState).User;
        if (services.GetService<IAccessScopeProvider>() is { } provider)
        {
            return new PatchingViewer(await provider.GetAsync(user, ct), PatchingActor.From(user));
        }

        return environment.IsDevelopment()
            ? new PatchingViewer(AccessScope.PlatformAdmin(DevelopmentOperatorId), new PatchingActor(DevelopmentOperatorId, "Development operator", user))
            : new PatchingViewer(AccessScope.Nobody, PatchingActor.From(user));
    }
}
