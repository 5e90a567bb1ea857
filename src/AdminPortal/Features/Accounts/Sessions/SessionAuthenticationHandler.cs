using System.Security.Claims;
using System.Text.Encodings.Web;
using AdminPortal.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace AdminPortal.Features.Accounts.Sessions;

/// <summary>
/// Authenticates a request from the session cookie: the session must be live (not ended, idle or expired) and its
/// person active. People are sent to sign-in (or to the step they owe); API callers get 401/403.
/// </summary>
public sealed class SessionAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    SessionStore sessions,
    PersonDirectory people) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "PortalSession";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = SessionCookie.Read(Request);
        if (token is null)
        {
            return AuthenticateResult.NoResult();
        }

        var session = await sessions.ResolveAsync(token, touch: true, Context.RequestAborted);
        if (session is null)
        {
            return AuthenticateResult.Fail("The session has ended.");
        }

        var person = await people.FindAsync(session.PersonId, Context.RequestAborted);
        if (person is not { IsActive: true })
        {
            await sessions.EndAsync(session.Id, SessionEndReasons.Disabled, Context.RequestAborted);
            return AuthenticateResult.Fail("The person is disabled.");
        }

        return AuthenticateResult.Success(new AuthenticationTicket(CreatePrincipal(person, session), SchemeName));
    }

    public static ClaimsPrincipal CreatePrincipal(Person person, PortalSession session)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, person.Id.ToString("D")),
            new(ClaimTypes.Name, person.DisplayName),
            new(ClaimTypes.Email, person.Email),
            new(PortalClaims.SessionId, session.Id.ToString("D")),
            new(PortalClaims.Level, session.Level),
        };
        if (person.IsPlatformAdmin)
        {
            claims.Add(new Claim(PortalClaims.PlatformAdmin, "true"));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, ClaimTypes.Name, ClaimTypes.Role));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (PortalInfrastructure.IsApiRequest(Request) || Request.Path.StartsWithSegments("/_blazor") || Request.Path.StartsWithSegments("/account/webauthn"))
        {
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Task.CompletedTask;
        }

        Response.Redirect(SignInPaths.SignInWithReturn(Request.PathBase + Request.Path + Request.QueryString));
        return Task.CompletedTask;
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var result = await Context.AuthenticateAsync(SchemeName);
        var level = result.Principal?.FindFirstValue(PortalClaims.Level);
        if (!PortalInfrastructure.IsApiRequest(Request) && level == SessionLevels.SecondFactor)
        {
            Response.Redirect(SignInPaths.SecondFactor);
            return;
        }

        if (!PortalInfrastructure.IsApiRequest(Request) && level == SessionLevels.Enroll)
        {
            Response.Redirect(SignInPaths.EnrollKey);
            return;
        }

        Response.StatusCode = StatusCodes.Status403Forbidden;
    }
}

public static class SignInPaths
{
    public const string SignIn = "/sign-in";
    public const string SecondFactor = "/sign-in/key";
    public const string Recovery = "/sign-in/recovery";
    public const string EnrollKey = "/account/enroll";
    public const string SecurityKeys = "/account/keys";

    /// <summary>Sign-in remembering where to go after; only local paths are kept (no open redirect).</summary>
    public static string SignInWithReturn(string? returnUrl) =>
        IsLocal(returnUrl) && returnUrl != "/" ? $"{SignIn}?returnUrl={Uri.EscapeDataString(returnUrl!)}" : SignIn;

    public static string SafeReturn(string? returnUrl) => IsLocal(returnUrl) ? returnUrl! : "/";

    public static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) && !url.Contains("://", StringComparison.Ordinal);
}
