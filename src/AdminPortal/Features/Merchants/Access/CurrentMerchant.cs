using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.JSInterop;

namespace AdminPortal.Features.Merchants.Access;

/// <summary>
/// The merchant a person picked in the app bar for this circuit (one browser tab); null means every merchant of their
/// scope. It only ever narrows: <see cref="IAccessScopeProvider"/> focuses the scope on it when the person may see it
/// and ignores it otherwise, so every page and query of every area follows without changes of its own.
/// </summary>
public sealed class CurrentMerchant
{
    public Guid? MerchantId { get; private set; }

    /// <summary>
    /// True once a choice was made or restored in this circuit; until then the browser's remembered choice applies
    /// (<see cref="CurrentMerchantAccessor.MerchantId"/>), and a null <see cref="MerchantId"/> does not yet mean "All merchants".
    /// </summary>
    public bool IsChosen { get; private set; }

    public void Choose(Guid? merchantId) => (MerchantId, IsChosen) = (merchantId, true);
}

/// <summary>
/// Lets singleton services (the scope provider, and the areas' singletons that call it) see the merchant chosen in the
/// app bar. Inside a circuit the circuit handler below puts the circuit's <see cref="CurrentMerchant"/> in an
/// async-local for every piece of work the circuit's browser starts (the ASP.NET Core pattern for reaching circuit
/// services from another DI scope). Everywhere else, the browser's remembered choice (<see cref="RememberedMerchantCookie"/>)
/// of the HTTP request at hand: the prerendered first response of a page and plain requests such as the CSV and PDF
/// exports (and a circuit's first render where ASP.NET Core still exposes the request that opened the circuit; where it
/// does not, the switcher reads the choice from the browser and reloads the page, as before the cookie).
/// Either way the scope provider only narrows to a merchant the person may see.
/// </summary>
public sealed class CurrentMerchantAccessor(IHttpContextAccessor http)
{
    private static readonly AsyncLocal<CurrentMerchant?> Current = new();

    /// <summary>The circuit's choice while it handles its browser's activity; null outside that.</summary>
    public CurrentMerchant? Choice
    {
        get => Current.Value;
        set => Current.Value = value;
    }

    /// <summary>The merchant to focus on: the circuit's choice once made (null then means "All merchants"), else the request's cookie.</summary>
    public Guid? MerchantId => Current.Value is { IsChosen: true } circuit ? circuit.MerchantId : RememberedMerchantCookie.Read(http.HttpContext?.Request);
}

/// <summary>
/// The cookie in which the browser remembers its app-bar choice (written by wwwroot/js/portal.js). Only a preference:
/// not a credential, checked against the person's scope wherever it is used.
/// </summary>
public static class RememberedMerchantCookie
{
    public const string Name = "portal-merchant";

    public static Guid? Read(HttpRequest? request) =>
        request is not null && request.Cookies.TryGetValue(Name, out var value) && Guid.TryParse(value, out var id) && id != Guid.Empty ? id : null;
}

internal sealed class CurrentMerchantCircuitHandler(CurrentMerchant choice, CurrentMerchantAccessor accessor) : CircuitHandler
{
    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) =>
        async context =>
        {
            accessor.Choice = choice;
            await next(context);
        };
}

/// <summary>Where a browser keeps its merchant choice (a cookie, through wwwroot/js/portal.js).</summary>
public interface ICurrentMerchantStore
{
    Task<Guid?> LoadAsync();

    Task SaveAsync(Guid? merchantId);
}

internal sealed class BrowserCurrentMerchantStore(IJSRuntime js) : ICurrentMerchantStore
{
    public async Task<Guid?> LoadAsync() =>
        Guid.TryParse(await js.InvokeAsync<string?>("portal.merchant.get"), out var id) ? id : null;

    public async Task SaveAsync(Guid? merchantId) =>
        await js.InvokeVoidAsync("portal.merchant.set", merchantId?.ToString());
}
