using Bunit;
using Bunit.TestDoubles;
using MudBlazor.Services;

namespace AdminPortal.Tests.TestSupport;

/// <summary>
/// One bUnit context per test with what every portal component needs: loose JS interop, MudBlazor without
/// transitions, and a fake signed-in person. Held (not inherited) because MudBlazor's services dispose asynchronously.
/// </summary>
public abstract class PortalComponentTest : IAsyncLifetime
{
    protected PortalComponentTest()
    {
        Context.JSInterop.Mode = JSRuntimeMode.Loose;
        Context.Services.AddMudServices(options => options.SnackbarConfiguration.ShowTransitionDuration = 0);
        Context.Services.AddSingleton(TimeProvider.System);
        Authorization = Context.AddAuthorization();
    }

    protected BunitContext Context { get; } = new();

    protected BunitAuthorizationContext Authorization { get; }

    /// <summary>Renders as an interactive server component; register services before the first call.</summary>
    protected IRenderedComponent<TComponent> Render<TComponent>(Action<ComponentParameterCollectionBuilder<TComponent>>? parameters = null)
        where TComponent : Microsoft.AspNetCore.Components.IComponent
    {
        Context.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
        return Context.Render(parameters ?? (_ => { }));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Context.DisposeAsync();
}
