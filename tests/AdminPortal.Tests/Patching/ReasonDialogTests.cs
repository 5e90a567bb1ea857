using AdminPortal.Features.Patching.Pages;
using AdminPortal.Tests.TestSupport;
using Bunit;
using MudBlazor;

namespace AdminPortal.Tests.Patching;

public sealed class ReasonDialogTests : PortalComponentTest
{
    [Fact]
    public async Task Confirming_needs_a_reason_and_returns_it()
    {
        var provider = Render<MudDialogProvider>();
        var dialogs = Context.Services.GetRequiredService<IDialogService>();
        IDialogReference? reference = null;
        await provider.InvokeAsync(async () => reference = await dialogs.ShowAsync<ReasonDialog>("Retire", new DialogParameters<ReasonDialog>
        {
            { d => d.Title, "Retire this policy?" }, { d => d.ConfirmText, "Retire" },
        }));

        var confirm = provider.Find("[data-testid=confirm]");
        Assert.True(confirm.HasAttribute("disabled"));
        provider.Find("textarea").Input("Superseded by April");
        provider.Find("[data-testid=confirm]").Click();

        var result = await reference!.Result;
        Assert.False(result!.Canceled);
        Assert.Equal("Superseded by April", result.Data);
    }

    [Fact]
    public async Task A_plain_confirmation_needs_no_reason()
    {
        var provider = Render<MudDialogProvider>();
        var dialogs = Context.Services.GetRequiredService<IDialogService>();
        IDialogReference? reference = null;
        await provider.InvokeAsync(async () => reference = await dialogs.ShowAsync<ReasonDialog>("Submit", new DialogParameters<ReasonDialog>
        {
            { d => d.AskReason, false },
        }));

        Assert.Empty(provider.FindAll("textarea"));
        provider.Find("[data-testid=confirm]").Click();
        Assert.Equal("", (await reference!.Result)!.Data);
    }
}
