using System.Security.Claims;
using AdminPortal.Features.Merchants.Access;

namespace AdminPortal.IntegrationTests.Devices;

/// <summary>Test-only stand-in for the integrator's scope provider: every request gets <see cref="Current"/>.</summary>
public sealed class TestScopeProvider : IAccessScopeProvider
{
    public AccessScope Current { get; set; } = AccessScope.Nobody;

    public Task<AccessScope> GetAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default) => Task.FromResult(Current);
}
