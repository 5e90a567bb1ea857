using AdminPortal.Features.Incidents;
using AdminPortal.Features.Incidents.Pages;
using AdminPortal.Tests.TestSupport;
using Bunit;
using MudBlazor;

namespace AdminPortal.Tests.Incidents;

public sealed class TransitionDialogTests : PortalComponentTest
{
    private async Task<(IRenderedComponent<MudDialogProvider> Provider, IDialogReference Dialog)> ShowAsync(IncidentStatus to, bool reasonRequired = false)
    {
        var provider = Render<MudDialogProvider>();
        var dialogs = Context.Services.GetRequiredService<IDialogService>();
        IDialogReference? reference = null;
        await provider.InvokeAsync(async () => reference = await dialogs.ShowAsync<TransitionDialog>("Close", new DialogParameters<TransitionDialog>
        {
            { d => d.Title, "Close INC-1234" },
            { d => d.Action, "Close" },
            { d => d.To, to },
            { d => d.ReasonRequired, reasonRequired },
        }));
        return (provider, reference!);
    }

    [Fact]
    public async Task Closing_without_a_resolution_and_root_cause_keeps_the_dialog_open_and_says_what_is_missing()
    {
        var (provider, dialog) = await ShowAsync(IncidentStatus.Closed);
        provider.Find("textarea[data-testid=resolution-summary]").Input("Card blocked");

        provider.Find("[data-testid=transition-submit]").Click();

        Assert.Contains("A root cause is required.", provider.Markup);
        Assert.DoesNotContain("A resolution summary is required.", provider.Markup);
        Assert.False(dialog.Result.IsCompleted);
    }

    [Fact]
    public async Task Both_closing_fields_are_labelled_and_returned_trimmed()
    {
        var (provider, dialog) = await ShowAsync(IncidentStatus.Closed);
        foreach (var (testId, label) in new[] { ("resolution-summary", "Resolution summary (required)"), ("root-cause", "Root cause (required)") })
        {
            var field = provider.Find($"textarea[data-testid={testId}]");
            Assert.Equal(field.Id, provider.FindAll("label").Single(l => l.TextContent.Contains(label, StringComparison.Ordinal)).GetAttribute("for"));
        }

        provider.Find("textarea[data-testid=resolution-summary]").Input("  Card blocked  ");
        provider.Find("textarea[data-testid=root-cause]").Input(" Skimmer ");
        provider.Find("[data-testid=transition-submit]").Click();

        var result = await dialog.Result.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(new TransitionDialog.Answer("Card blocked", "Skimmer", null), result!.Data);
    }

    [Fact]
    public async Task Reopening_without_a_reason_keeps_the_dialog_open()
    {
        var (reopen, reopenDialog) = await ShowAsync(IncidentStatus.Triage, reasonRequired: true);
        reopen.Find("[data-testid=transition-submit]").Click();
        Assert.Contains("A reason is required.", reopen.Markup);
        Assert.False(reopenDialog.Result.IsCompleted);
    }

    [Fact]
    public async Task A_plain_move_closes_with_an_empty_note()
    {
        var (provider, dialog) = await ShowAsync(IncidentStatus.Containment);
        provider.Find("[data-testid=transition-submit]").Click();
        var result = await dialog.Result.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(new TransitionDialog.Answer(null, null, null), result!.Data);
    }
}
