using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace AdminPortal.Features.Accounts.Sessions;

/// <summary>
/// A path that matches no endpoint is a plain 404 (problem+json under /api), not a sign-in prompt: the fallback policy
/// guards endpoints, and an unmatched path has nothing to guard. Everything else is decided as usual.
/// </summary>
internal sealed class UnmatchedPathsPassThrough : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult) =>
        context.GetEndpoint() is null ? next(context) : _default.HandleAsync(next, context, policy, authorizeResult);
}
