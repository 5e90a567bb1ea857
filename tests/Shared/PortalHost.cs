using AdminPortal.Infrastructure.Database;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;

namespace AdminPortal.Testing;

/// <summary>
/// The real portal on a real loopback port (Kestrel) over a fresh database. Browse it at <see cref="BaseAddress"/>:
/// "localhost", because Chromium refuses WebAuthn on 127.0.0.1.
/// </summary>
public sealed class PortalHost : WebApplicationFactory<Program>
{
    private readonly TestDatabase _database;
    private readonly Dictionary<string, string?> _settings;

    private readonly Action<IServiceCollection>? _configureServices;

    private readonly bool _ownsDatabase;

    private PortalHost(TestDatabase database, Dictionary<string, string?> settings, Action<IServiceCollection>? configureServices, bool ownsDatabase = true)
    {
        _database = database;
        _settings = settings;
        _configureServices = configureServices;
        _ownsDatabase = ownsDatabase;
    }

    public DatabaseProvider Provider => _database.Provider;

    public TestDatabase Database => _database;

    public Uri BaseAddress { get; private set; } = default!;

    /// <summary>
    /// Starts the portal; <paramref name="settings"/> override configuration keys (e.g. "Accounts:IdleTimeout");
    /// <paramref name="configureServices"/> runs after the portal's own registrations (test doubles).
    /// </summary>
    public static async Task<PortalHost> StartAsync(
        DatabaseProvider provider, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? configureServices = null)
    {
        var database = await TestDatabase.CreateAsync(provider);
        var all = new Dictionary<string, string?>(database.Settings);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return Start(new PortalHost(database, all, configureServices));
    }

    /// <summary>
    /// Another portal instance on <paramref name="first"/>'s database (scale-out tests): its own process state and port,
    /// the same settings; the database stays with <paramref name="first"/>.
    /// </summary>
    public static PortalHost StartAnotherInstance(PortalHost first, Action<IServiceCollection>? configureServices = null) =>
        Start(new PortalHost(first._database, first._settings, configureServices, ownsDatabase: false));

    private static PortalHost Start(PortalHost host)
    {
        host.UseKestrel(0);
        host.StartServer();
        var address = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        host.BaseAddress = new Uri(new Uri(address).GetLeftPart(UriPartial.Scheme) + "localhost:" + new Uri(address).Port + "/");
        return host;
    }

    public HttpClient CreatePortalClient(bool allowAutoRedirect = false) => new(new HttpClientHandler
    {
        AllowAutoRedirect = allowAutoRedirect,
        UseCookies = true,
        CookieContainer = new System.Net.CookieContainer(),
    })
    { BaseAddress = BaseAddress };

    public T GetService<T>() where T : notnull => Services.GetRequiredService<T>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("urls", "http://127.0.0.1:0");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (_configureServices is not null)
        {
            builder.ConfigureTestServices(_configureServices);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownsDatabase)
        {
            await _database.DisposeAsync();
        }
    }
}
