using System.Security.Claims;
using System.Text.Json;
using AdminPortal.Features.Accounts.Recovery;
using AdminPortal.Features.Accounts.Security;
using AdminPortal.Features.Accounts.Sessions;
using AdminPortal.Features.Accounts.SignIn;

namespace AdminPortal.Features.Accounts.WebAuthn;

/// <summary>
/// The JSON halves of the WebAuthn ceremonies that server-rendered pages (sign-in, enrollment) run from
/// <c>js/webauthn.js</c>. Each call carries the page's antiforgery token in a header.
/// </summary>
internal static class WebAuthnEndpoints
{
    public sealed record CompleteRequest(Guid RequestId, JsonElement Response, string? Name, string? ReturnUrl);

    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/account/webauthn").AddEndpointFilter(Shared.AntiforgeryFilter.ValidateAsync).DisableAntiforgery();

        group.MapPost("/passkey/options", async (WebAuthnCeremonies ceremonies, CancellationToken ct) =>
            Results.Json(await ceremonies.BeginAssertionAsync(CeremonyPurposes.Passkey, null, null, ct)))
            .AllowAnonymous().RequireRateLimiting(AccountsModule.SignInRateLimit);

        group.MapPost("/passkey", CompletePasskeyAsync).AllowAnonymous().RequireRateLimiting(AccountsModule.SignInRateLimit);

        group.MapPost("/second-factor/options", async (ClaimsPrincipal user, WebAuthnCeremonies ceremonies, CancellationToken ct) =>
            Results.Json(await ceremonies.BeginAssertionAsync(CeremonyPurposes.SecondFactor, PortalClaims.PersonId(user), PortalClaims.Session(user), ct)))
            .RequireAuthorization(PortalPolicies.SecondFactor).RequireRateLimiting(AccountsModule.SignInRateLimit);

        group.MapPost("/second-factor", CompleteSecondFactorAsync)
            .RequireAuthorization(PortalPolicies.SecondFactor).RequireRateLimiting(AccountsModule.SignInRateLimit);

        group.MapPost("/registration/options", async (ClaimsPrincipal user, PersonDirectory people, WebAuthnCeremonies ceremonies, CancellationToken ct) =>
        {
            var person = await people.FindAsync(PortalClaims.PersonId(user)!.Value, ct);
            return person is null ? Results.Unauthorized() : Results.Json(await ceremonies.BeginRegistrationAsync(person, PortalClaims.Session(user), ct));
        }).RequireAuthorization(PortalPolicies.Enrollment);

        group.MapPost("/registration", CompleteRegistrationAsync).RequireAuthorization(PortalPolicies.Enrollment);
    }

    private static async Task<IResult> CompletePasskeyAsync(CompleteRequest request, HttpContext http, WebAuthnCeremonies ceremonies,
        PersonDirectory people, PasswordSignIn passwords, SessionStore sessions, ISecurityEvents events, CancellationToken ct)
    {
        var client = ClientInfo.From(http);
        var outcome = await ceremonies.CompleteAssertionAsync(CeremonyPurposes.Passkey, request.RequestId, null, request.Response.GetRawText(), client, ct);
        var person = outcome.Key is { } key ? await people.FindAsync(key.PersonId, ct) : null;
        if (!outcome.Succeeded || person is not { IsActive: true } || await passwords.IsLockedAsync(person.Id, ct))
        {
            await events.RecordAsync(new SecurityEvent("sign-in.failed", false, $"A passkey sign-in was refused ({Reason(outcome, person)}).",
                person?.Id, person?.DisplayName), client, ct);
            return Refused();
        }

        await passwords.ResetFailuresAsync(person.Id, ct);
        var (_, token) = await sessions.CreateAsync(person.Id, SessionLevels.Full, assertedNow: true, client, ct);
        SessionCookie.Write(http.Response, token);
        await events.RecordAsync(new SecurityEvent("sign-in.succeeded", true, $"{person.DisplayName} signed in with a passkey.",
            person.Id, person.DisplayName), client, ct);
        return Results.Json(new { redirect = SignInPaths.SafeReturn(request.ReturnUrl) });
    }

    private static async Task<IResult> CompleteSecondFactorAsync(CompleteRequest request, HttpContext http, ClaimsPrincipal user,
        WebAuthnCeremonies ceremonies, PersonDirectory people, PasswordSignIn passwords, SessionStore sessions, ISecurityEvents events, CancellationToken ct)
    {
        var client = ClientInfo.From(http);
        var session = await sessions.FindActiveAsync(PortalClaims.Session(user)!.Value, ct);
        var person = await people.FindAsync(PortalClaims.PersonId(user)!.Value, ct);
        if (session is null || person is null)
        {
            return Refused();
        }

        var outcome = await ceremonies.CompleteAssertionAsync(CeremonyPurposes.SecondFactor, request.RequestId, session.Id, request.Response.GetRawText(), client, ct);
        if (!outcome.Succeeded)
        {
            await passwords.RegisterFailureAsync(person, $"security key refused ({outcome.Failure})", client, ct);
            return Refused();
        }

        await passwords.ResetFailuresAsync(person.Id, ct);
        var (_, token) = await sessions.PromoteAsync(session, SessionLevels.Full, assertedNow: true, client, ct);
        SessionCookie.Write(http.Response, token);
        await events.RecordAsync(new SecurityEvent("sign-in.succeeded", true, $"{person.DisplayName} signed in with password and security key.",
            person.Id, person.DisplayName), client, ct);
        return Results.Json(new { redirect = SignInPaths.SafeReturn(request.ReturnUrl) });
    }

    private static async Task<IResult> CompleteRegistrationAsync(CompleteRequest request, HttpContext http, ClaimsPrincipal user,
        PersonDirectory people, WebAuthnCeremonies ceremonies, SessionStore sessions, RecoveryCodes recoveryCodes, ISecurityEvents events, CancellationToken ct)
    {
        var client = ClientInfo.From(http);
        var session = await sessions.FindActiveAsync(PortalClaims.Session(user)!.Value, ct);
        var person = await people.FindAsync(PortalClaims.PersonId(user)!.Value, ct);
        if (session is null || person is null)
        {
            return Results.Unauthorized();
        }

        var key = await ceremonies.CompleteRegistrationAsync(person, session.Id, request.RequestId, request.Response.GetRawText(), request.Name ?? "", ct);
        if (key is null)
        {
            return Results.Problem(title: "The key could not be enrolled. Try again.", statusCode: StatusCodes.Status400BadRequest);
        }

        await events.RecordAsync(new SecurityEvent("webauthn.key-added", true, $"{person.DisplayName} enrolled the security key \"{key.Name}\".",
            person.Id, person.DisplayName, "webauthn-credential", key.Id.ToString("D")), client, ct);

        // Codes are shown once, right after the first key (or after a recovery code was used up).
        IReadOnlyList<string>? codes = null;
        if (session.Level != SessionLevels.Full)
        {
            codes = await recoveryCodes.RegenerateAsync(person.Id, ct);
            var (_, token) = await sessions.PromoteAsync(session, SessionLevels.Full, assertedNow: true, client, ct);
            SessionCookie.Write(http.Response, token);
        }

        return Results.Json(new { redirect = SignInPaths.SafeReturn(request.ReturnUrl), recoveryCodes = codes });
    }

    private static IResult Refused() =>
        Results.Problem(title: "Sign-in failed. Try again, or use another key or a recovery code.", statusCode: StatusCodes.Status400BadRequest);

    private static string Reason(AssertionOutcome outcome, Person? person) =>
        !outcome.Succeeded ? outcome.Failure.ToString() : person is not { IsActive: true } ? "person disabled" : "account locked";
}
