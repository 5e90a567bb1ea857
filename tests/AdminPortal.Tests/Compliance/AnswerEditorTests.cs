using AdminPortal.Features.Compliance.Assessments;
using AdminPortal.Features.Compliance.Catalogue;
using AdminPortal.Features.Compliance.Evidence;
using AdminPortal.Features.Compliance.Pages;
using AdminPortal.Tests.TestSupport;
using Bunit;

namespace AdminPortal.Tests.Compliance;

public sealed class AnswerEditorTests : PortalComponentTest
{
    private static readonly SaqDefinition D = SaqCatalogue.Default.Get("D");
    private readonly List<AnswerInput> _saved = [];

    private IRenderedComponent<AnswerEditor> Editor(string number, SaqAnswer? existing = null, IReadOnlyList<EvidenceFinding>? evidence = null, bool canEdit = true) =>
        Render<AnswerEditor>(p => p
            .Add(e => e.Saq, D)
            .Add(e => e.Requirement, SaqCatalogue.Default.Requirement(number))
            .Add(e => e.Existing, existing)
            .Add(e => e.Evidence, evidence ?? [])
            .Add(e => e.CanEdit, canEdit)
            .Add(e => e.OnSave, input =>
            {
                _saved.Add(input);
                return Task.FromResult<string?>(null);
            }));

    private static SaqAnswer Answer(string number, SaqResponse response) => new()
    {
        Requirement = number, Response = response, Explanation = "Explained.", EvidenceNotes = "", AnsweredByName = "Clara", AnsweredAt = DateTimeOffset.UtcNow,
    };

    private static void ClickSave(IRenderedComponent<AnswerEditor> editor) =>
        editor.FindAll("button").Single(b => b.TextContent.Contains("Save answer")).Click();

    [Fact]
    public void A_CCW_answer_shows_the_worksheet_and_is_not_saved_until_every_part_is_filled()
    {
        var editor = Editor("8.3.6", Answer("8.3.6", SaqResponse.InPlaceWithCcw));
        Assert.Contains("Compensating-control worksheet", editor.Markup);
        Assert.Equal(8, editor.FindAll("textarea").Count);

        ClickSave(editor);

        Assert.Contains("needs a compensating-control worksheet", editor.Find("[data-testid=answer-problems]").TextContent);
        Assert.Empty(_saved);
    }

    [Fact]
    public void Not_applicable_asks_why_and_refuses_to_save_without_it()
    {
        var editor = Editor("1.3.3", Answer("1.3.3", SaqResponse.NotApplicable));
        Assert.Contains("Why the requirement does not apply", editor.Markup);

        ClickSave(editor);

        Assert.Contains("justification", editor.Find("[data-testid=answer-problems]").TextContent);
        Assert.Empty(_saved);
    }

    [Fact]
    public void Accepting_evidence_fills_the_answer_and_names_its_source()
    {
        var finding = new EvidenceFinding("10.3.2", SaqResponse.InPlace, "Hash chain verified intact.", "Portal audit log", DateTimeOffset.UtcNow);
        var editor = Editor("10.3.2", evidence: [finding]);
        Assert.Contains("Evidence from Portal audit log", editor.Markup);

        editor.FindAll("button").Single(b => b.TextContent.Contains("Use this")).Click();
        ClickSave(editor);

        var saved = Assert.Single(_saved);
        Assert.Equal(SaqResponse.InPlace, saved.Response);
        Assert.Equal("Hash chain verified intact.", saved.Explanation);
        Assert.Equal("Portal audit log", saved.EvidenceSource);
        Assert.Contains("Portal audit log", saved.EvidenceNotes);
    }

    [Fact]
    public void Read_only_people_see_the_answer_without_save_or_accept_buttons()
    {
        var finding = new EvidenceFinding("10.3.2", SaqResponse.InPlace, "Verified.", "Portal audit log", DateTimeOffset.UtcNow);
        var editor = Editor("10.3.2", Answer("10.3.2", SaqResponse.InPlace), [finding], canEdit: false);

        Assert.DoesNotContain(editor.FindAll("button"), b => b.TextContent.Contains("Save answer") || b.TextContent.Contains("Use this"));
    }
}
