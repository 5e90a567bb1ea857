using System.Security.Claims;
using AdminPortal.Features.Merchants.Access;

namespace AdminPortal.Features.Fraud;

/// <summary>Who is looking at a Fraud page: what they may see, and who they are when they act.</summary>
/// <param name="Analyst">Null when the person cannot be identified (no person id claim): they may look but not act.</param>
public sealed record FraudViewer(AccessScope Scope, Analyst? Analyst, bool IsDevelopmentStandIn);

/// <summary>
/// Resolves the viewer from the signed-in person through <see cref="IAccessScopeProvider"/>. Until the Accounts area
/// registers that provider, Development runs get a clearly labelled platform-admin stand-in so the pages can be tried;
/// every other environment sees nothing.
/// </summary>
public sealed class FraudViewerResolver(IServiceProvider services, IHostEnvironment environment)
{
    public static readonly Guid DevelopmentPersonId = new("00000000-0000-0000-0000-00000000d0e5");

    public async Task<FraudViewer> ResolveAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        var provider = services.GetService<IAccessScopeProvider>();
        if (provider is null)
        {
            return environment.IsDevelopment()
                ? new FraudViewer(AccessScope.PlatformAdmin(DevelopmentPersonId), new Analyst(DevelopmentPersonId, "Development user (no sign-in yet)"), true)
                : new FraudViewer(AccessScope.Nobody, null, false);
        }

        var scope = await provider.GetAsync(user, ct);
        var analyst = Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var personId)
            ? new Analyst(personId, user.FindFirstValue(ClaimTypes.Name) ?? user.Identity?.Name ?? personId.ToString())
            : null;
        return new FraudViewer(scope, analyst, false);
    }
}
