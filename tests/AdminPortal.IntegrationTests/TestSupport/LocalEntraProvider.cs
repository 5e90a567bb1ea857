using System.Net;
using System.Net.Sockets;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AdminPortal.IntegrationTests.TestSupport;

/// <summary>The person the provider signs in next, with the claims Entra ID puts into an id_token.</summary>
public sealed record EntraUser(string ObjectId, string Name, string Email, params string[] AuthenticationMethods);

/// <summary>
/// A real OpenID Connect provider (OpenIddict) on loopback, shaped like Microsoft Entra ID's v2.0 endpoints so the
/// portal's Microsoft.Identity.Web code path runs unchanged: authorization code + PKCE, id_token with oid/tid/name/
/// preferred_username. It signs in <see cref="NextUser"/> without a login page.
/// </summary>
public sealed class LocalEntraProvider : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LocalEntraProvider(WebApplication app, int port, Guid tenantId)
    {
        _app = app;
        Port = port;
        TenantId = tenantId;
    }

    public int Port { get; }

    public Guid TenantId { get; }

    public string ClientId { get; } = "portal-tests";

    public string ClientSecret { get; } = "portal-tests-secret";

    public EntraUser NextUser { get; set; } = new(Guid.NewGuid().ToString(), "Erin Entra", "erin@contoso.example");

    public string Instance => $"http://localhost:{Port}/";

    public string Issuer => $"http://localhost:{Port}/{TenantId}/v2.0";

    /// <summary>Settings that point the portal's AzureAd section at this provider.</summary>
    public IReadOnlyDictionary<string, string?> PortalSettings => new Dictionary<string, string?>
    {
        ["AzureAd:Instance"] = Instance,
        ["AzureAd:TenantId"] = TenantId.ToString(),
        ["AzureAd:ClientId"] = ClientId,
        ["AzureAd:ClientSecret"] = ClientSecret,
        ["AzureAd:ResponseType"] = "code",
        ["AzureAd:CallbackPath"] = "/signin-oidc",
        ["AzureAd:TokenValidationParameters:ValidIssuer"] = Issuer,
        ["AzureAd:AllowHttpMetadata"] = "true",
    };

    /// <summary>Starts the provider; register the portal with <see cref="RegisterPortalAsync"/> once its address is known.</summary>
    public static async Task<LocalEntraProvider> StartAsync()
    {
        var port = FreePort();
        var tenantId = Guid.NewGuid();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddDbContext<DbContext>(o => o.UseInMemoryDatabase($"entra-{tenantId}").UseOpenIddict());
        builder.Services.AddOpenIddict()
            .AddCore(o => o.UseEntityFrameworkCore().UseDbContext<DbContext>())
            .AddServer(o =>
            {
                o.SetIssuer(new Uri($"http://localhost:{port}/{tenantId}/v2.0"));
                o.SetConfigurationEndpointUris($"{tenantId}/v2.0/.well-known/openid-configuration")
                    .SetAuthorizationEndpointUris($"{tenantId}/oauth2/v2.0/authorize")
                    .SetTokenEndpointUris($"{tenantId}/oauth2/v2.0/token")
                    .SetJsonWebKeySetEndpointUris($"{tenantId}/discovery/v2.0/keys");
                o.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
                o.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.Email, Scopes.OfflineAccess);
                o.AddEphemeralEncryptionKey().AddEphemeralSigningKey().DisableAccessTokenEncryption();
                o.UseAspNetCore().EnableAuthorizationEndpointPassthrough().DisableTransportSecurityRequirement();
            });

        var app = builder.Build();
        var provider = new LocalEntraProvider(app, port, tenantId);
        app.MapMethods($"{tenantId}/oauth2/v2.0/authorize", ["GET", "POST"], (HttpContext context) =>
        {
            var request = context.GetOpenIddictServerRequest()!;
            var user = provider.NextUser;
            var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
            identity.AddClaim(Claims.Subject, user.ObjectId);
            identity.AddClaim("oid", user.ObjectId);
            identity.AddClaim("tid", tenantId.ToString());
            identity.AddClaim(Claims.Name, user.Name);
            identity.AddClaim(Claims.PreferredUsername, user.Email);
            identity.AddClaim(Claims.Email, user.Email);
            foreach (var method in user.AuthenticationMethods)
            {
                identity.AddClaim("amr", method);
            }

            identity.SetScopes(request.GetScopes());
            identity.SetDestinations(_ => [Destinations.IdentityToken, Destinations.AccessToken]);
            return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        });

        await app.StartAsync();
        return provider;
    }

    public async Task RegisterPortalAsync(Uri portalBaseAddress)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        await applications.CreateAsync(new OpenIddictApplicationDescriptor
        {
            ClientId = ClientId,
            ClientSecret = ClientSecret,
            ClientType = ClientTypes.Confidential,
            RedirectUris = { new Uri(portalBaseAddress, "signin-oidc") },
            PostLogoutRedirectUris = { new Uri(portalBaseAddress, "signout-callback-oidc") },
            Permissions =
            {
                Permissions.Endpoints.Authorization, Permissions.Endpoints.Token,
                Permissions.GrantTypes.AuthorizationCode, Permissions.ResponseTypes.Code,
                Permissions.Scopes.Email, Permissions.Scopes.Profile, Permissions.Prefixes.Scope + Scopes.OfflineAccess,
            },
        });
    }


    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
