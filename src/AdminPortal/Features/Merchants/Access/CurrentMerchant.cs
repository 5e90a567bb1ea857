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

    public void Choose(Guid? merchantId) => MerchantId = merchantId;
}

/// <summary>
/// Lets singleton services (the scope provider, and the areas' singletons that call it) see the circuit's
/// <see cref="CurrentMerchant"/>: the circuit handler below puts it in an async-local for every piece of work the
/// circuit runs (the ASP.NET Core pattern for reaching circuit services from another DI scope). HTTP requests
/// (CSV exports, the SAQ PDF) run outside any circuit, so they keep the person's whole scope.
/// </summary>
public sealed class CurrentMerchantAccessor
{
    private static readonly AsyncLocal<CurrentMerchant?> Current = new();

    public CurrentMerchant? Choice
    {
        get => Current.Value;
        set => Current.Value = value;
    }
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

/// <summary>Where a browser keeps its merchant choice (localStorage through wwwroot/js/portal.js).</summary>
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
