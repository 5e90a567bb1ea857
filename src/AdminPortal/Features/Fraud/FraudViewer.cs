using System.Security.Claims;
using AdminPortal.Features.Merchants.Access;

namespace AdminPortal.Features.Fraud;

/// <summary>Who is looking at a Fraud page: what they may see, and who they are when they act.</summary>
/// <param name="Analyst">Null when the person cannot be identified (no person id claim): they may look but not act.</param>
public sealed record FraudViewer(AccessScope Scope, Analyst? Analyst, bool IsDevelopmentStandIn);

/// <summary>Resolves the viewer from the signed-in person through the portal's <see cref="IAccessScopeProvider"/>.</summary>
public sealed class FraudViewerResolver(IAccessScopeProvider scopes)
{
    public async Task<FraudViewer> ResolveAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        var scope = await scopes.GetAsync(user, ct);
        var analyst = Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var personId)
            ? new Analyst(personId, user.FindFirstValue(ClaimTypes.Name) ?? user.Identity?.Name ?? personId.ToString())
            : null;
        return new FraudViewer(scope, analyst, false);
    }
}
