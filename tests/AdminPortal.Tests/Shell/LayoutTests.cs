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
}
