using Microsoft.AspNetCore.Authorization;

namespace AdminPortal.Features.Merchants.Access;

/// <summary>
/// An authorization requirement decided on the person's current <see cref="AccessScope"/> (read from the database,
/// so revoked roles stop working at once). Areas declare their policies with it in one place, e.g.
/// <c>options.AddPolicy("AuditReader", p => p.AddRequirements(new ScopeRequirement(s => s.IsPlatformAdmin || ...)))</c>.
/// </summary>
public sealed class ScopeRequirement(Func<AccessScope, bool> allows) : IAuthorizationRequirement
{
    public bool Allows(AccessScope scope) => allows(scope);
}

internal sealed class ScopeRequirementHandler(IAccessScopeProvider scopes) : AuthorizationHandler<ScopeRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        var scope = await scopes.GetAsync(context.User);
        if (scope.PersonId is not null && requirement.Allows(scope))
        {
            context.Succeed(requirement);
        }
    }
}

public static class ScopePolicies
{
    /// <summary>Platform admins and compliance officers (of any merchant: the page then shows only theirs).</summary>
    public const string AuditReader = "AuditReader";

    public static IServiceCollection AddScopePolicies(this IServiceCollection services)
    {
        services.AddSingleton<IAuthorizationHandler, ScopeRequirementHandler>();
        services.AddAuthorizationBuilder()
            .AddPolicy(AuditReader, p => p.AddRequirements(new ScopeRequirement(s =>
                s.IsPlatformAdmin || s.Grants.Any(g => g.Role == MerchantRole.ComplianceOfficer))));
        return services;
    }
}
