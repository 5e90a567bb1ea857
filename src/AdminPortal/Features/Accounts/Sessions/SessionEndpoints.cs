using System.Security.Claims;
using AdminPortal.Features.Accounts.Security;

namespace AdminPortal.Features.Accounts.Sessions;

/// <summary>Sign-out (form posts with antiforgery) and the activity ping that keeps an open page's session from going idle.</summary>
internal static class SessionEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        // Any signed-in stage may sign out, so these need only an authenticated session.
        app.MapPost("/account/sign-out", async (HttpContext http, ClaimsPrincipal user, SessionStore sessions, ISecurityEvents events) =>
        {
            if (PortalClaims.Session(user) is { } sid)
            {
                await sessions.EndAsync(sid, SessionEndReasons.SignedOut);
                await events.RecordAsync(new SecurityEvent("sign-out", true, $"{user.Identity?.Name} signed out.", PortalClaims.PersonId(user),
                    user.Identity?.Name), ClientInfo.From(http));
            }

            SessionCookie.Delete(http.Response);
            return Results.Redirect(SignInPaths.SignIn);
        }).RequireAuthorization(p => p.RequireAuthenticatedUser()).AddEndpointFilter(Shared.AntiforgeryFilter.ValidateAsync).DisableAntiforgery();

        app.MapPost("/account/sign-out-everywhere", async (HttpContext http, ClaimsPrincipal user, SessionStore sessions, ISecurityEvents events) =>
        {
            var personId = PortalClaims.PersonId(user)!.Value;
            var ended = await sessions.EndAllAsync(personId, SessionEndReasons.SignedOutEverywhere, except: null);
            await events.RecordAsync(new SecurityEvent("session.revoked", true, $"{user.Identity?.Name} signed out everywhere ({ended} sessions).",
                personId, user.Identity?.Name), ClientInfo.From(http));
            SessionCookie.Delete(http.Response);
            return Results.Redirect(SignInPaths.SignIn);
        }).AddEndpointFilter(Shared.AntiforgeryFilter.ValidateAsync).DisableAntiforgery();

        // Real activity on an open page (a click or key press, reported by js/accounts.js) counts as use of the session.
        app.MapPost("/account/activity", async (ClaimsPrincipal user, SessionStore sessions) =>
        {
            await sessions.TouchAsync(PortalClaims.Session(user)!.Value);
            return Results.NoContent();
        }).DisableAntiforgery();
    }
}
