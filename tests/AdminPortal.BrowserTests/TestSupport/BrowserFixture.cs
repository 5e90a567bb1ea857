using Microsoft.Playwright;

namespace AdminPortal.BrowserTests.TestSupport;

/// <summary>
/// One Debian Chromium for the whole run (two cores: browsers per class would fight for them). Playwright drives
/// it through its bundled driver; no browser is ever downloaded.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"Chromium is missing at {ChromiumPath}: run ./test.sh (it installs it) or apt-get install -y chromium.");
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>A fresh context (own cookies and storage) with one page, and a WebAuthn virtual authenticator on it.</summary>
    public async Task<BrowserSession> NewSessionAsync(Uri baseAddress, bool withAuthenticator = true)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseAddress.ToString(), ViewportSize = new() { Width = 1280, Height = 900 } });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        var session = new BrowserSession(context, page);
        if (withAuthenticator)
        {
            await session.AddVirtualAuthenticatorAsync();
        }

        return session;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}

/// <summary>A browser context with a CTAP2 platform authenticator that verifies the user and has resident keys.</summary>
public sealed class BrowserSession(IBrowserContext context, IPage page) : IAsyncDisposable
{
    private ICDPSession? _cdp;

    public IBrowserContext Context => context;

    public IPage Page => page;

    public string? AuthenticatorId { get; private set; }

    public async Task AddVirtualAuthenticatorAsync()
    {
        _cdp = await context.NewCDPSessionAsync(page);
        await _cdp.SendAsync("WebAuthn.enable", new Dictionary<string, object> { ["enableUI"] = false });
        var result = await _cdp.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2",
                ["transport"] = "internal",
                ["hasResidentKey"] = true,
                ["hasUserVerification"] = true,
                ["isUserVerified"] = true,
                ["automaticPresenceSimulation"] = true,
            },
        });
        AuthenticatorId = result?.GetProperty("authenticatorId").GetString();
    }

    /// <summary>Credentials the virtual authenticator holds (ids and sign counts).</summary>
    public async Task<System.Text.Json.JsonElement> CredentialsAsync() =>
        (await _cdp!.SendAsync("WebAuthn.getCredentials", new Dictionary<string, object> { ["authenticatorId"] = AuthenticatorId! }))!.Value
            .GetProperty("credentials");

    public async Task ClearCredentialsAsync() =>
        await _cdp!.SendAsync("WebAuthn.clearCredentials", new Dictionary<string, object> { ["authenticatorId"] = AuthenticatorId! });

    /// <summary>Waits until the page's Blazor circuit is live (the layout marks the document), so clicks are handled.</summary>
    public Task WaitForCircuitAsync() => page.Locator("html[data-interactive=true]").WaitForAsync(new() { State = Microsoft.Playwright.WaitForSelectorState.Attached });

    public async ValueTask DisposeAsync() => await context.DisposeAsync();
}
