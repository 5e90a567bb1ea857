using AdminPortal.Components.Layout;
using AdminPortal.Tests.TestSupport;
using Bunit;

namespace AdminPortal.Tests.Shell;

public sealed class LayoutTests : PortalComponentTest
{
    [Fact]
    public void The_app_bar_names_the_product_and_offers_a_theme_toggle_that_is_remembered()
    {
        Context.JSInterop.Setup<string?>("portal.theme.get").SetResult("light");
        Context.Services.AddScoped<AdminPortal.Infrastructure.Shell.PageReload>();
        var themeSet = Context.JSInterop.SetupVoid("portal.theme.set", "dark");
        themeSet.SetVoidResult();

        var layout = Render<MainLayout>(p => p.Add(l => l.Body, b => b.AddContent(0, "page body")));

        Assert.Contains("Merchant Security Admin Portal", layout.Find(".mud-appbar").TextContent);
        Assert.Contains("page body", layout.Markup);
        // The first render's OnAfterRenderAsync reads the stored theme and renders again: click only once that settled,
        // and wait for the handler's own render rather than assuming the click completed synchronously.
        layout.WaitForAssertion(() => Assert.Equal(1, Context.JSInterop.Invocations.Count(i => i.Identifier == "portal.markInteractive")));
        layout.Find("[data-testid=theme-toggle]").Click();
        layout.WaitForAssertion(() => themeSet.VerifyInvoke("portal.theme.set"));
        Assert.NotNull(layout.Find("[aria-label='Toggle dark theme']"));
    }

    [Fact]
    public void The_menu_button_closes_and_opens_the_navigation_drawer()
    {
        Context.JSInterop.Setup<string?>("portal.theme.get").SetResult("dark");
        Context.JSInterop.Setup<bool>("portal.isNarrow").SetResult(false);
        Context.Services.AddScoped<AdminPortal.Infrastructure.Shell.PageReload>();

        var layout = Render<MainLayout>(p => p.Add(l => l.Body, b => b.AddContent(0, "page body")));
        layout.WaitForAssertion(() => Assert.Equal(1, Context.JSInterop.Invocations.Count(i => i.Identifier == "portal.markInteractive")));
        var toggle = layout.Find("button[aria-label='Toggle navigation']");

        Assert.Equal("true", toggle.GetAttribute("aria-expanded"));
        Assert.Contains("mud-drawer--open", layout.Find("aside#main-navigation").ClassName);
        // The stored dark theme picks the toggle's icon and hint.
        Assert.Equal("Switch to light theme", layout.Find("[data-testid=theme-toggle]").GetAttribute("title"));

        toggle.Click();
        layout.WaitForAssertion(() => Assert.Contains("mud-drawer--closed", layout.Find("aside#main-navigation").ClassName));
        Assert.Equal("false", layout.Find("button[aria-label='Toggle navigation']").GetAttribute("aria-expanded"));
        Assert.Contains("mud-drawer-close-responsive-md-left", layout.Find(".mud-layout").ClassName);

        layout.Find("button[aria-label='Toggle navigation']").Click();
        layout.WaitForAssertion(() => Assert.Contains("mud-drawer--open", layout.Find("aside#main-navigation").ClassName));
    }

    [Fact]
    public void On_a_narrow_screen_the_drawer_starts_closed()
    {
        Context.JSInterop.Setup<string?>("portal.theme.get").SetResult("light");
        Context.JSInterop.Setup<bool>("portal.isNarrow").SetResult(true);
        Context.Services.AddScoped<AdminPortal.Infrastructure.Shell.PageReload>();

        var layout = Render<MainLayout>(p => p.Add(l => l.Body, b => b.AddContent(0, "page body")));

        layout.WaitForAssertion(() => Assert.Contains("mud-drawer--closed", layout.Find("aside#main-navigation").ClassName));
    }
}

public sealed class ProvidersLayoutTests : PortalComponentTest
{
    [Fact]
    public void The_default_layout_adds_the_popover_and_dialog_providers_inside_the_shell_which_has_only_the_snackbar_provider()
    {
        Context.JSInterop.Setup<string?>("portal.theme.get").SetResult("light");
        Context.JSInterop.Setup<bool>("portal.isNarrow").SetResult(false);
        Context.Services.AddScoped<AdminPortal.Infrastructure.Shell.PageReload>();

        var shell = Render<MainLayout>(p => p.Add(l => l.Body, b => b.AddContent(0, "page body")));
        Assert.Empty(shell.FindAll(".mud-popover-provider"));
        Assert.Single(shell.FindComponents<MudBlazor.MudSnackbarProvider>());
        Assert.Empty(shell.FindComponents<MudBlazor.MudDialogProvider>());

        // Nested in the shell (its own @layout), with the providers pages with selects, menus and dialogs need.
        Assert.Equal(typeof(MainLayout), typeof(MudProvidersLayout).GetCustomAttributes(typeof(Microsoft.AspNetCore.Components.LayoutAttribute), false)
            .Cast<Microsoft.AspNetCore.Components.LayoutAttribute>().Single().LayoutType);
        var withProviders = Render<MudProvidersLayout>(p => p.Add(l => l.Body, b => b.AddContent(0, "page body")));
        Assert.Single(withProviders.FindAll(".mud-popover-provider"));
        Assert.Single(withProviders.FindComponents<MudBlazor.MudDialogProvider>());
        Assert.Contains("page body", withProviders.Markup);
    }

    [Fact]
    public void The_fraud_queue_uses_the_shell_alone()
    {
        // It has no MudBlazor selects, menus or dialogs; its island brings its own snackbar provider.
        var layout = typeof(AdminPortal.Features.Fraud.Queue.ReviewQueuePage)
            .GetCustomAttributes(typeof(Microsoft.AspNetCore.Components.LayoutAttribute), false)
            .Cast<Microsoft.AspNetCore.Components.LayoutAttribute>().Single();
        Assert.Equal(typeof(MainLayout), layout.LayoutType);
    }
}

/// <summary>
/// The shell of a statically rendered page (the fraud queue): the same markup as the interactive shell, marked for
/// js/portal.js (drawer and theme toggles), without a snackbar provider (no circuit would run it), leaving with full
/// page loads.
/// </summary>
public sealed class StaticShellTests : PortalComponentTest
{
    private IRenderedComponent<MainLayout> RenderStatically()
    {
        Context.Services.AddScoped<AdminPortal.Infrastructure.Shell.PageReload>();
        Context.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Static", isInteractive: false));
        return Context.Render<MainLayout>(p => p.Add(l => l.Body, b => b.AddContent(0, "page body")));
    }

    [Fact]
    public void A_static_page_gets_the_same_shell_marked_for_the_browser_script_and_asks_the_browser_nothing()
    {
        var layout = RenderStatically();

        var shell = layout.Find(".mud-layout");
        Assert.True(shell.HasAttribute("data-static-shell"));
        Assert.Equal("false", shell.GetAttribute("data-enhance-nav"));
        Assert.Contains("mud-drawer-open-responsive-md-left", shell.ClassName);
        Assert.Contains("mud-drawer--open", layout.Find("aside#main-navigation").ClassName);
        var toggle = layout.Find("button[aria-label='Toggle navigation']");
        Assert.True(toggle.HasAttribute("data-drawer-toggle"));
        Assert.Equal("true", toggle.GetAttribute("aria-expanded"));
        // Both theme icons: css/portal.css shows the one for the browser's theme, which the server does not know.
        var theme = layout.Find("[data-testid=theme-toggle]");
        Assert.True(theme.HasAttribute("data-theme-toggle"));
        Assert.Single(theme.QuerySelectorAll(".theme-icon-when-light"));
        Assert.Single(theme.QuerySelectorAll(".theme-icon-when-dark"));
        Assert.Contains("page body", layout.Markup);
        Assert.Empty(layout.FindComponents<MudBlazor.MudSnackbarProvider>());
        Assert.Empty(Context.JSInterop.Invocations);
    }

    [Fact]
    public void An_interactive_page_gets_the_shell_without_the_static_marks()
    {
        Context.JSInterop.Setup<string?>("portal.theme.get").SetResult("light");
        Context.JSInterop.Setup<bool>("portal.isNarrow").SetResult(false);
        Context.Services.AddScoped<AdminPortal.Infrastructure.Shell.PageReload>();

        var layout = Render<MainLayout>(p => p.Add(l => l.Body, b => b.AddContent(0, "page body")));

        layout.WaitForAssertion(() => Assert.Equal(1, Context.JSInterop.Invocations.Count(i => i.Identifier == "portal.markInteractive")));
        Assert.Empty(layout.FindAll("[data-static-shell], [data-drawer-toggle], [data-theme-toggle], [data-enhance-nav]"));
        Assert.Single(layout.FindAll("[data-testid=theme-toggle] svg"));
        Assert.Single(layout.FindComponents<MudBlazor.MudSnackbarProvider>());
    }
}
