using AdminPortal.Features.Accounts;
using AdminPortal.Features.Accounts.Security;
using AdminPortal.Features.Accounts.Sessions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace PortalBench;

/// <summary>
/// The portal hosted inside the bench on a real loopback port (Kestrel), for measures that need a signed-in browser:
/// the bench mints a real server-side session through the portal's own <see cref="SessionStore"/>, as the browser tests
/// do. Nothing of this ships in the portal: it has no sign-in back door.
/// </summary>
public sealed class InProcessPortal(BenchDatabase database) : WebApplicationFactory<Program>
{
    public Uri BaseAddress { get; private set; } = default!;

    public static InProcessPortal Start(BenchDatabase database)
    {
        // The portal's project folder is its content root (settings, static web assets), as with "dotnet run".
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_ADMINPORTAL", Path.Combine(PortalProcess.RepositoryRoot, "src", "AdminPortal"));
        var portal = new InProcessPortal(database);
        portal.UseKestrel(0);
        portal.StartServer();
        var address = new Uri(portal.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        // "localhost": the session cookie is bound to the host name the browser uses.
        portal.BaseAddress = new Uri($"http://localhost:{address.Port}/");
        return portal;
    }

    /// <summary>A platform admin and the cookie value of a fully signed-in session of theirs.</summary>
    public async Task<string> SignedInAdminSessionAsync()
    {
        var person = await Services.GetRequiredService<PersonDirectory>().CreateAsync($"bench-{Guid.NewGuid():N}@example.com", "Bench analyst", isPlatformAdmin: true);
        var (_, token) = await Services.GetRequiredService<SessionStore>()
            .CreateAsync(person.Id, SessionLevels.Full, assertedNow: false, new ClientInfo("127.0.0.1", "bench"));
        return token;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Development serves the static web assets (blazor.web.js, MudBlazor) from the build output, as in the browser tests.
        builder.UseEnvironment("Development");
        builder.UseSetting("urls", "http://127.0.0.1:0");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Database:Provider", database.Provider);
        builder.UseSetting("Database:ConnectionString", database.ConnectionString);
    }
}
