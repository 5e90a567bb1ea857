using System.Security.Claims;
using AdminPortal.Features.Accounts.Security;
using AdminPortal.Features.Accounts.Sessions;
using AdminPortal.Features.Accounts.WebAuthn;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.Identity.Web;

namespace AdminPortal.Features.Accounts.Entra;

/// <summary>The portal's own rules for Microsoft Entra ID sign-in (the <c>AzureAd</c> section configures the app registration).</summary>
public sealed class EntraOptions
{
    public const string SectionName = "Entra";

    /// <summary>
    /// When true, a token whose <c>amr</c> claim shows phishing-resistant MFA (FIDO2 key, Windows Hello, certificate)
    /// signs the person in fully; otherwise the portal still asks for its own passkey or security key.
    /// </summary>
    public bool TrustPhishingResistantMfa { get; set; }

    /// <summary>The <c>amr</c> values counted as phishing-resistant.</summary>
    public string[] PhishingResistantMethods { get; set; } = ["fido", "wia", "x509", "hwk"];

    /// <summary>For tests and local providers only: accept an http metadata address.</summary>
    public bool AllowHttpMetadata { get; set; }
}

/// <summary>
/// Sign-in with Microsoft Entra ID through Microsoft.Identity.Web, when <c>AzureAd:ClientId</c> is set. Entra proves who
/// the person is; the portal then opens its own server-side session at the level its MFA rules demand.
/// </summary>
public static class EntraSignIn
{
    public const string Scheme = "Entra";
    public const string ExternalCookieScheme = "EntraExternal";
    public const string StartPath = "/sign-in/entra";
    private const string CompletePath = "/sign-in/entra/complete";
    public const string TrustKeyOfTheSpecification = "Auth:TrustEntraPhishingResistantMfa";

    public static bool IsConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["AzureAd:ClientId"]);

    public static WebApplicationBuilder AddEntraSignIn(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<EntraOptions>().Bind(builder.Configuration.GetSection(EntraOptions.SectionName))
            // The key named by the accounts specification; either key turns trust on, neither can turn the other off.
            .PostConfigure(o => o.TrustPhishingResistantMfa |= builder.Configuration.GetValue<bool>(TrustKeyOfTheSpecification));
        if (!IsConfigured(builder.Configuration))
        {
            return builder;
        }

        builder.Services.AddAuthentication()
            .AddMicrosoftIdentityWebApp(builder.Configuration.GetSection("AzureAd"), Scheme, ExternalCookieScheme);
        var allowHttp = builder.Configuration.GetValue<bool>($"{EntraOptions.SectionName}:{nameof(EntraOptions.AllowHttpMetadata)}")
            || builder.Configuration.GetValue<bool>("AzureAd:AllowHttpMetadata");
        builder.Services.Configure<OpenIdConnectOptions>(Scheme, o => o.RequireHttpsMetadata = !allowHttp);
        builder.Services.Configure<CookieAuthenticationOptions>(ExternalCookieScheme, o =>
        {
            // Only carries the Entra identity from the callback to the completion step.
            o.Cookie.Name = "portal_entra";
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.HttpOnly = true;
            o.ExpireTimeSpan = TimeSpan.FromMinutes(5);
        });
        return builder;
    }

    public static WebApplication MapEntraSignIn(this WebApplication app)
    {
        if (!IsConfigured(app.Configuration))
        {
            return app;
        }

        app.MapGet(StartPath, () => Results.Challenge(new AuthenticationProperties { RedirectUri = CompletePath }, [Scheme]))
            .AllowAnonymous().RequireRateLimiting(AccountsModule.SignInRateLimit);
        app.MapGet(CompletePath, CompleteAsync).AllowAnonymous().RequireRateLimiting(AccountsModule.SignInRateLimit);
        return app;
    }

    private static async Task<IResult> CompleteAsync(HttpContext http, PersonDirectory people, CredentialStore credentials, SessionStore sessions,
        ISecurityEvents events, IOptions<EntraOptions> options)
    {
        var external = await http.AuthenticateAsync(ExternalCookieScheme);
        await http.SignOutAsync(ExternalCookieScheme);
        var client = ClientInfo.From(http);
        if (!external.Succeeded)
        {
            return Results.Redirect($"{SignInPaths.SignIn}?error=entra");
        }

        var identity = external.Principal;
        var email = identity.FindFirstValue("preferred_username") ?? identity.FindFirstValue(ClaimTypes.Email) ?? identity.FindFirstValue("email");
        var person = email is null ? null : await people.FindByEmailAsync(email, http.RequestAborted);
        if (person is not { IsActive: true })
        {
            // Same answer whether the address is unknown or disabled: no account enumeration through Entra either.
            await events.RecordAsync(new SecurityEvent("sign-in.entra.refused", false,
                "A Microsoft Entra ID sign-in was refused: no active portal account for that identity."), client, http.RequestAborted);
            return Results.Redirect($"{SignInPaths.SignIn}?error=entra");
        }

        // The token handler may map "amr" to its long WS-* claim type: read both.
        var methods = identity.FindAll(c => c.Type is "amr" or "http://schemas.microsoft.com/claims/authnmethodsreferences")
            .Select(c => c.Value).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var phishingResistant = options.Value.TrustPhishingResistantMfa && options.Value.PhishingResistantMethods.Any(methods.Contains);
        var hasKey = await credentials.CountAsync(person.Id, http.RequestAborted) > 0;
        var level = phishingResistant ? SessionLevels.Full : hasKey ? SessionLevels.SecondFactor : SessionLevels.Enroll;
        var (_, token) = await sessions.CreateAsync(person.Id, level, false, client, http.RequestAborted);
        SessionCookie.Write(http.Response, token);
        await events.RecordAsync(new SecurityEvent("sign-in.entra", true,
            phishingResistant
                ? "Signed in with Microsoft Entra ID; its phishing-resistant MFA was trusted."
                : "Signed in with Microsoft Entra ID; the portal's own security key is still required.",
            person.Id, person.DisplayName), client, http.RequestAborted);

        var next = level switch
        {
            SessionLevels.Full => "/",
            SessionLevels.SecondFactor => SignInPaths.SecondFactor,
            _ => SignInPaths.EnrollKey,
        };
        // The session cookie is SameSite=Strict and this request ends a cross-site redirect chain from Entra:
        // a same-site navigation (not a redirect) makes the browser send the new cookie on the next page.
        return Results.Content(
            $"""<!DOCTYPE html><html><head><meta http-equiv="refresh" content="0;url={next}"><title>Signing in…</title></head><body><a href="{next}">Continue</a></body></html>""",
            "text/html");
    }
}
