using Fido2NetLib;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace AdminPortal.Features.Accounts.WebAuthn;

/// <summary>The "WebAuthn" section: relying party id and the origins allowed to run ceremonies.</summary>
public sealed class WebAuthnSettings
{
    public const string SectionName = "WebAuthn";

    /// <summary>Chromium refuses WebAuthn on 127.0.0.1, so the default is "localhost".</summary>
    public string RpId { get; set; } = "localhost";

    public string RpName { get; set; } = "Merchant Security Admin Portal";

    /// <summary>Empty: the URLs the portal listens on, each also under the name localhost.</summary>
    public List<string> Origins { get; set; } = [];
}

/// <summary>
/// Builds the one <see cref="IFido2"/> on first use: the default origins are the URLs the server actually listens on,
/// known only once it has started (tests listen on port 0).
/// </summary>
public sealed class Fido2Provider(Microsoft.Extensions.Options.IOptions<WebAuthnSettings> settings, IServer server)
{
    private readonly Lazy<(IFido2 Fido2, Fido2Configuration Configuration)> _instance = new(() => Build(settings.Value, server));

    public IFido2 Fido2 => _instance.Value.Fido2;

    public Fido2Configuration Configuration => _instance.Value.Configuration;

    private static (IFido2, Fido2Configuration) Build(WebAuthnSettings settings, IServer server)
    {
        var origins = new HashSet<string>(settings.Origins.Select(o => o.TrimEnd('/')), StringComparer.OrdinalIgnoreCase);
        if (origins.Count == 0)
        {
            foreach (var address in server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
            {
                var uri = new Uri(address.Replace("://+", "://localhost").Replace("://*", "://localhost").Replace("://[::]", "://localhost"));
                origins.Add(uri.GetLeftPart(UriPartial.Authority));
                origins.Add(new UriBuilder(uri) { Host = settings.RpId }.Uri.GetLeftPart(UriPartial.Authority));
            }
        }

        var configuration = new Fido2Configuration
        {
            RPID = settings.RpId,
            RPName = settings.RpName,
            Origins = origins,
            TimestampDriftTolerance = 300_000,
        };
        return (new Fido2(configuration), configuration);
    }
}
