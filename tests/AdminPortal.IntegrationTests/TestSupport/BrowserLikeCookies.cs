using System.Net;

namespace AdminPortal.IntegrationTests.TestSupport;

/// <summary>
/// Keeps cookies per host name the way a browser does on loopback: it sends Secure cookies over http to localhost
/// (the OpenID Connect handler's correlation and nonce cookies are always Secure) and ignores ports.
/// </summary>
public sealed class BrowserLikeCookies : DelegatingHandler
{
    private readonly Dictionary<(string Host, string Name), string> _cookies = [];

    public BrowserLikeCookies() : base(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false })
    {
    }

    public string? Get(string host, string name) => _cookies.GetValueOrDefault((host, name));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var host = request.RequestUri!.Host;
        var header = string.Join("; ", _cookies.Where(c => c.Key.Host == host).Select(c => $"{c.Key.Name}={c.Value}"));
        if (header.Length > 0)
        {
            request.Headers.Add("Cookie", header);
        }

        var response = await base.SendAsync(request, cancellationToken);
        foreach (var setCookie in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
        {
            var nameValue = setCookie.Split(';')[0];
            var separator = nameValue.IndexOf('=');
            var (name, value) = (nameValue[..separator].Trim(), nameValue[(separator + 1)..].Trim());
            var expired = setCookie.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase) || value.Length == 0;
            if (expired)
            {
                _cookies.Remove((host, name));
            }
            else
            {
                _cookies[(host, name)] = value;
            }
        }

        return response;
    }
}
