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
        // It has no MudBlazor selects, menus or dialogs; its snackbars come from the shell's provider.
        var layout = typeof(AdminPortal.Features.Fraud.Queue.ReviewQueuePage)
            .GetCustomAttributes(typeof(Microsoft.AspNetCore.Components.LayoutAttribute), false)
            .Cast<Microsoft.AspNetCore.Components.LayoutAttribute>().Single();
        Assert.Equal(typeof(MainLayout), layout.LayoutType);
    }
}
