using System.Threading.RateLimiting;
using AdminPortal.Features.Accounts.Enrollment;
using AdminPortal.Features.Accounts.Keys;
using AdminPortal.Features.Accounts.Passwords;
using AdminPortal.Features.Accounts.Recovery;
using AdminPortal.Features.Accounts.Security;
using AdminPortal.Features.Accounts.Shared;
using AdminPortal.Features.Accounts.Sessions;
using AdminPortal.Features.Accounts.SignIn;
using AdminPortal.Features.Accounts.StepUp;
using AdminPortal.Features.Accounts.WebAuthn;
using AdminPortal.Infrastructure.CommandLine;
using AdminPortal.Infrastructure.Http;
using AdminPortal.Infrastructure.Shell;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AdminPortal.Features.Accounts;

public static class AccountsModule
{
    public const string SignInRateLimit = "accounts-sign-in";

    public static WebApplicationBuilder AddAccounts(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AccountsOptions>().Bind(builder.Configuration.GetSection(AccountsOptions.SectionName));
        services.AddOptions<WebAuthnSettings>().Bind(builder.Configuration.GetSection(WebAuthnSettings.SectionName));
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton<CommonPasswords>();
        services.AddSingleton<PasswordPolicy>();
        services.AddSingleton<OneTimeTokens>();
        services.AddSingleton<PersonDirectory>();
        services.AddSingleton<SessionRevocations>();
        services.AddSingleton<SessionStore>();
        services.AddSingleton<PasswordSignIn>();
        services.AddSingleton<RecoveryCodes>();
        services.AddSingleton<Fido2Provider>();
        services.AddSingleton<PendingCeremonies>();
        services.AddSingleton<CredentialStore>();
        services.AddSingleton<WebAuthnCeremonies>();
        services.AddSingleton<IStepUp, StepUpService>();
        services.AddSingleton<SecurityKeysService>();
        services.AddSingleton<ISecurityEvents, AuditSecurityEvents>();

        services.AddAuthentication(SessionAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, SessionAuthenticationHandler>(SessionAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .SetDefaultPolicy(FullySignedIn())
            .SetFallbackPolicy(FullySignedIn())
            .AddPolicy(PortalPolicies.PlatformAdmin, p => p.Combine(FullySignedIn()).RequireClaim(PortalClaims.PlatformAdmin, "true"))
            .AddPolicy(PortalPolicies.Enrollment, p => p.RequireAuthenticatedUser().RequireClaim(PortalClaims.Level, SessionLevels.Enroll, SessionLevels.Full))
            .AddPolicy(PortalPolicies.SecondFactor, p => p.RequireAuthenticatedUser().RequireClaim(PortalClaims.Level, SessionLevels.SecondFactor));

        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, UnmatchedPathsPassThrough>();

        // Open pages follow their server-side session (idle timeout, sign-out elsewhere, person disabled).
        services.AddScoped<AuthenticationStateProvider, CircuitSessionAuthenticationStateProvider>();
        services.AddScoped<CircuitHandler, SessionCircuitHandler>();
        services.Replace(ServiceDescriptor.Scoped<IHostEnvironmentAuthenticationStateProvider>(sp =>
            (IHostEnvironmentAuthenticationStateProvider)sp.GetRequiredService<AuthenticationStateProvider>()));

        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy(SignInRateLimit, context =>
            {
                // Only attempts count: showing the sign-in page again is free.
                if (!HttpMethods.IsPost(context.Request.Method))
                {
                    return RateLimitPartition.GetNoLimiter("page");
                }

                var permits = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<AccountsOptions>>().Value.SignInPermitsPerMinute;
                return RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = Math.Max(1, permits), Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
            });
        });

        services.AddHostedService<SetupTokenAnnouncer>();
        services.AddPortalCommand<CreateAdminCommand>();
        services.AddNavItem(new NavItem("Account", "My security keys", SignInPaths.SecurityKeys.TrimStart('/'), MudBlazor.Icons.Material.Filled.Key, 900));
        services.AddSingleton(new AppBarItem(typeof(AccountMenu), 100));
        return builder;
    }

    /// <summary>
    /// Security headers, authentication, authorization and rate limiting; call before the endpoints are mapped. Terminals'
    /// API calls (machine endpoints) carry their own credential and never a session, so they skip this part.
    /// </summary>
    public static WebApplication UseAccounts(this WebApplication app)
    {
        app.UseBrowserPipeline(browser =>
        {
            browser.UseSecurityHeaders();
            browser.UseAuthentication();
            browser.UseAuthorization();
            browser.UseRateLimiter();
        });
        return app;
    }

    public static WebApplication MapAccounts(this WebApplication app)
    {
        WebAuthnEndpoints.Map(app);
        SessionEndpoints.Map(app);
        return app;
    }

    private static AuthorizationPolicy FullySignedIn() => new AuthorizationPolicyBuilder(SessionAuthenticationHandler.SchemeName)
        .RequireAuthenticatedUser()
        .RequireClaim(PortalClaims.Level, SessionLevels.Full)
        .Build();
}
