using AdminPortal.Features.Compliance.Assessments;
using AdminPortal.Features.Compliance.Catalogue;

namespace AdminPortal.Tests.Compliance;

public sealed class AnswerRulesTests
{
    private static readonly SaqDefinition P2pe = SaqCatalogue.Default.Get("P2PE");
    private static readonly SaqDefinition D = SaqCatalogue.Default.Get("D");

    [Fact]
    public void A_complete_in_place_answer_is_accepted() =>
        Assert.Empty(AnswerRules.Validate(P2pe, new AnswerInput("9.5.1.1", SaqResponse.InPlace, "Device list kept in the portal.", "")));

    [Fact]
    public void Not_applicable_needs_a_justification()
    {
        var problems = AnswerRules.Validate(P2pe, new AnswerInput("9.4.1.1", SaqResponse.NotApplicable, "No backups.", "", NaJustification: " "));
        Assert.Contains(problems, p => p.Contains("justification"));
        Assert.Empty(AnswerRules.Validate(P2pe, new AnswerInput("9.4.1.1", SaqResponse.NotApplicable, "No backups.", "", "No electronic media exist.")));
    }

    [Fact]
    public void In_place_with_CCW_needs_every_part_of_the_worksheet()
    {
        var partial = CompensatingControlWorksheet.Empty with { Constraints = "Vendor limit", Objective = "Stop misuse" };
        var problems = AnswerRules.Validate(D, new AnswerInput("8.3.6", SaqResponse.InPlaceWithCcw, "Compensated.", "", Ccw: partial));
        var message = Assert.Single(problems);
        Assert.Contains("identified risk", message);
        Assert.DoesNotContain("objective", message);
        Assert.Contains(AnswerRules.Validate(D, new AnswerInput("8.3.6", SaqResponse.InPlaceWithCcw, "Compensated.", "")), p => p.Contains("worksheet"));
    }

    [Fact]
    public void Not_tested_exists_only_in_SAQ_D()
    {
        Assert.Contains(AnswerRules.Validate(P2pe, new AnswerInput("9.5.1", SaqResponse.NotTested, "Skipped.", "", "Out of time.")), p => p.Contains("does not allow"));
        Assert.Empty(AnswerRules.Validate(D, new AnswerInput("9.5.1", SaqResponse.NotTested, "Skipped.", "", "Excluded by the acquirer.")));
    }

    [Fact]
    public void Requirements_outside_the_SAQ_and_missing_explanations_are_refused()
    {
        Assert.Contains(AnswerRules.Validate(P2pe, new AnswerInput("1.2.1", SaqResponse.InPlace, "x", "")), p => p.Contains("not part of SAQ P2PE"));
        Assert.Contains(AnswerRules.Validate(P2pe, new AnswerInput("9.5.1", SaqResponse.InPlace, "", "")), p => p.Contains("Explain"));
        Assert.Contains(AnswerRules.Validate(P2pe, new AnswerInput("9.5.1", null, "x", "")), p => p.Contains("Choose a response"));
    }

    [Fact]
    public void Progress_counts_answers_per_section()
    {
        var answers = new[] { "9.5.1", "9.5.1.1", "12.8.1" }.Select(n => new SaqAnswer { Requirement = n, Explanation = "", EvidenceNotes = "", AnsweredByName = "x" });
        var progress = AnswerRules.Progress(P2pe, answers);
        var nine = progress.Single(p => p.Number == "9");
        Assert.Equal(2, nine.Answered);
        Assert.Equal(P2pe.Sections.Single(s => s.Number == "9").Requirements.Count, nine.Total);
        Assert.Equal(0, progress.Single(p => p.Number == "3").Percent);
    }
}
