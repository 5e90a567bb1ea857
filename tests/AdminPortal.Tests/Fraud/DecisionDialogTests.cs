using AdminPortal.Features.Fraud.Queue;
using AdminPortal.Tests.TestSupport;
using Bunit;
using MudBlazor;

namespace AdminPortal.Tests.Fraud;

public sealed class DecisionDialogTests : PortalComponentTest
{
    private async Task<(IRenderedComponent<MudDialogProvider> Provider, IDialogReference Dialog)> ShowAsync()
    {
        var provider = Render<MudDialogProvider>();
        var dialogs = Context.Services.GetRequiredService<IDialogService>();
        IDialogReference? reference = null;
        await provider.InvokeAsync(async () => reference = await dialogs.ShowAsync<DecisionDialog>("Dismiss", new DialogParameters<DecisionDialog>
        {
            { d => d.Title, "Dismiss FA-1234 as a false positive?" },
            { d => d.Action, "Dismiss" },
        }));
        return (provider, reference!);
    }

    [Fact]
    public async Task Submitting_without_a_reason_shows_the_error_and_keeps_the_dialog_open()
    {
        var (provider, dialog) = await ShowAsync();

        provider.Find("[data-testid=decision-submit]").Click();

        Assert.Contains("A reason is required.", provider.Markup);
        Assert.False(dialog.Result.IsCompleted);
    }

    [Fact]
    public async Task A_reason_closes_the_dialog_with_the_trimmed_reason()
    {
        var (provider, dialog) = await ShowAsync();

        provider.Find("textarea[data-testid=decision-reason]").Input("  Known customer, verified by phone  ");
        provider.Find("[data-testid=decision-submit]").Click();

        var result = await dialog.Result.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(result!.Canceled);
        Assert.Equal("Known customer, verified by phone", result.Data);
    }

    [Fact]
    public async Task The_reason_field_is_labelled()
    {
        var (provider, _) = await ShowAsync();

        var field = provider.Find("textarea[data-testid=decision-reason]");
        var label = provider.FindAll("label").Single(l => l.TextContent.Contains("Reason (required)", StringComparison.Ordinal));
        Assert.Equal(field.Id, label.GetAttribute("for"));
    }
}
