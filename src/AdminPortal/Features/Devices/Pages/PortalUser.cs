using System.Security.Claims;
using AdminPortal.Features.Merchants.Access;
using Microsoft.AspNetCore.Components.Authorization;

namespace AdminPortal.Features.Devices.Pages;

/// <summary>The signed-in person as the device pages need them: their access scope and their name for the records.</summary>
public static class PortalUser
{
    /// <summary>
    /// Resolves the scope through <see cref="IAccessScopeProvider"/>. Until one is registered (it arrives with the
    /// Accounts slice) the answer is <see cref="AccessScope.Nobody"/>: the pages fail closed and show no device.
    /// </summary>
    public static async Task<(AccessScope Scope, DeviceActor Actor)> ResolveAsync(
        Task<AuthenticationState>? authenticationState, IServiceProvider services, CancellationToken ct = default)
    {
        var user = authenticationState is null ? new ClaimsPrincipal() : (await authenticationState).User;
        return await ResolveAsync(user, services, ct);
    }

    public static async Task<(AccessScope Scope, DeviceActor Actor)> ResolveAsync(ClaimsPrincipal user, IServiceProvider services, CancellationToken ct = default)
    {
        var scope = services.GetService<IAccessScopeProvider>() is { } provider ? await provider.GetAsync(user, ct) : AccessScope.Nobody;
        var name = user.FindFirstValue(ClaimTypes.Name) ?? user.Identity?.Name ?? "unknown person";
        return (scope, new DeviceActor(scope.PersonId, name, User: user));
    }
}
