using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AdminPortal.Features.Accounts;
using AdminPortal.Testing;

namespace AdminPortal.IntegrationTests.Accounts;

/// <summary>
/// Drives the real sign-in pages and WebAuthn endpoints over HTTP like a browser would (cookies, antiforgery tokens,
/// form handlers), with a <see cref="SoftwareAuthenticator"/> in place of a security key.
/// </summary>
internal sealed partial class AccountsDriver(PortalHost host) : IDisposable
{
    public CookieContainer Cookies { get; } = new();

    public HttpClient Client => _client ??= new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = Cookies })
    {
        BaseAddress = host.BaseAddress,
    };

    private HttpClient? _client;

    /// <summary>The session cookie this client holds, if any.</summary>
    public Cookie? SessionCookie => Cookies.GetCookies(host.BaseAddress).FirstOrDefault(c => c.Name == Features.Accounts.Sessions.SessionCookie.Name);

    public PortalHost Host => host;

    /// <summary>A person enrolled through an enrollment link: password set and one key registered. Returns the recovery codes.</summary>
    public async Task<(Person Person, IReadOnlyList<string> RecoveryCodes)> EnrollAsync(string email, SoftwareAuthenticator key, string password = AccountsTestExtensions.DefaultPassword)
    {
        var directory = host.GetService<PersonDirectory>();
        var person = await directory.CreateAsync(email, email.Split('@')[0], isPlatformAdmin: false);
        var link = await directory.CreateEnrollmentLinkAsync(person.Id, TimeSpan.FromHours(1));
        var setPassword = await SetPasswordThroughLinkAsync(link, password);
        Assert.Equal("/account/enroll", AccountsDriver.Where(setPassword));
        var codes = await RegisterKeyAsync(key, "Test key");
        return (person, codes);
    }

    /// <summary>Registers the key from /account/enroll; returns the recovery codes the server showed (none when already fully signed in).</summary>
    public async Task<IReadOnlyList<string>> RegisterKeyAsync(SoftwareAuthenticator key, string name)
    {
        var token = await AntiforgeryTokenAsync("/account/enroll");
        var start = await PostJsonAsync("/account/webauthn/registration/options", new { }, token);
        var response = key.Create(start["optionsJson"]!.GetValue<string>());
        var done = await PostJsonAsync("/account/webauthn/registration",
            new JsonObject { ["requestId"] = start["requestId"]!.GetValue<string>(), ["response"] = response, ["name"] = name }, token);
        return done["recoveryCodes"] is JsonArray codes ? codes.Select(c => c!.GetValue<string>()).ToList() : [];
    }

    public Task<HttpResponseMessage> SignInWithPasswordAsync(string email, string password = AccountsTestExtensions.DefaultPassword) =>
        PostFormAsync("/sign-in", "sign-in", new() { ["Input.Email"] = email, ["Input.Password"] = password });

    /// <summary>The key step after the password; returns the status of the final call (200 = signed in).</summary>
    public Task<HttpStatusCode> PresentKeyAsync(SoftwareAuthenticator key) => AssertAsync("second-factor", "/sign-in/key", key);

    public Task<HttpStatusCode> SignInWithPasskeyAsync(SoftwareAuthenticator key) => AssertAsync("passkey", "/sign-in", key);

    public async Task SignInFullyAsync(string email, SoftwareAuthenticator key)
    {
        var password = await SignInWithPasswordAsync(email);
        Assert.Equal("/sign-in/key", AccountsDriver.Where(password));
        Assert.Equal(HttpStatusCode.OK, await PresentKeyAsync(key));
    }

    public async Task<HttpResponseMessage> SignOutAsync()
    {
        var token = await AntiforgeryTokenAsync("/account/keys");
        return await Client.PostAsync("/account/sign-out", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
    }

    /// <summary>Status of a page for this client: 200, or a redirect (302) with its location.</summary>
    /// <summary>What the enrollment page's script does with a link: posts the token from its fragment.</summary>
    public Task<HttpResponseMessage> OpenEnrollmentLinkAsync(string link) =>
        PostFormAsync("/enroll", "enroll-open", new() { ["token"] = EnrollmentToken(link) });

    /// <summary>The password form of an opened enrollment link (it posts the token back with the password).</summary>
    public Task<HttpResponseMessage> SetPasswordThroughLinkAsync(string link, string password) =>
        PostFormAsync("/enroll", "enroll", new() { ["Input.Token"] = EnrollmentToken(link), ["Input.Password"] = password, ["Input.Confirm"] = password });

    /// <summary>The one-time token of an enrollment link: its fragment.</summary>
    public static string EnrollmentToken(string link)
    {
        var hash = link.IndexOf('#', StringComparison.Ordinal);
        Assert.True(hash > 0, $"{link} carries no token in its fragment");
        return link[(hash + 1)..];
    }

    public async Task<(HttpStatusCode Status, string? Location)> VisitAsync(string path)
    {
        var response = await Client.GetAsync(path);
        return (response.StatusCode, AccountsDriver.Where(response));
    }

    private async Task<HttpStatusCode> AssertAsync(string kind, string page, SoftwareAuthenticator key)
    {
        var token = await AntiforgeryTokenAsync(page);
        var start = await PostJsonAsync($"/account/webauthn/{kind}/options", new { }, token);
        var response = key.Get(start["optionsJson"]!.GetValue<string>());
        using var done = await SendJsonAsync($"/account/webauthn/{kind}",
            new JsonObject { ["requestId"] = start["requestId"]!.GetValue<string>(), ["response"] = response }, token);
        return done.StatusCode;
    }

    /// <summary>Where a redirect points, as a local path (the pages redirect with absolute URLs).</summary>
    public static string? Where(HttpResponseMessage response) =>
        response.Headers.Location is not { } location ? null : location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString;

    public async Task<HttpResponseMessage> PostFormAsync(string path, string formName, Dictionary<string, string> fields)
    {
        var token = await AntiforgeryTokenAsync(path);
        fields["_handler"] = formName;
        fields["__RequestVerificationToken"] = token;
        return await Client.PostAsync(path, new FormUrlEncodedContent(fields));
    }

    public async Task<JsonNode> PostJsonAsync(string path, object body, string token)
    {
        using var response = await SendJsonAsync(path, body, token);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    public async Task<HttpResponseMessage> SendJsonAsync(string path, object body, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, options: new JsonSerializerOptions(JsonSerializerDefaults.Web)) };
        request.Headers.Add("RequestVerificationToken", token);
        return await Client.SendAsync(request);
    }

    public async Task<string> AntiforgeryTokenAsync(string path)
    {
        var html = await Client.GetStringAsync(path);
        var match = TokenPattern().Match(html);
        Assert.True(match.Success, $"{path} has no antiforgery token");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    public void Dispose() => _client?.Dispose();
}
