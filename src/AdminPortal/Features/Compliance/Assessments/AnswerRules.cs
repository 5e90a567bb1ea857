using AdminPortal.Features.Compliance.Catalogue;

namespace AdminPortal.Features.Compliance.Assessments;

/// <summary>What makes one answer acceptable, and how far a questionnaire has got. Pure: the store and the page share it.</summary>
public static class AnswerRules
{
    public const int MaxTextLength = 4000;

    /// <summary>Every problem with the answer, worded for the officer; empty when it may be saved.</summary>
    public static IReadOnlyList<string> Validate(SaqDefinition saq, AnswerInput input)
    {
        var problems = new List<string>();
        if (!saq.RequirementNumbers.Contains(input.Requirement))
        {
            problems.Add($"Requirement {input.Requirement} is not part of {saq.Name}.");
            return problems;
        }

        if (input.Response is not { } response)
        {
            problems.Add("Choose a response.");
            return problems;
        }

        if (!saq.Allows(response))
        {
            problems.Add($"{saq.Name} does not allow the response \"{response.Label()}\".");
        }

        if (string.IsNullOrWhiteSpace(input.Explanation))
        {
            problems.Add("Explain how the requirement is met, or why it is not.");
        }

        if (response == SaqResponse.NotApplicable && string.IsNullOrWhiteSpace(input.NaJustification))
        {
            problems.Add("\"Not Applicable\" needs a justification of why the requirement does not apply (SAQ Appendix C).");
        }

        if (response == SaqResponse.NotTested && string.IsNullOrWhiteSpace(input.NaJustification))
        {
            problems.Add("\"Not Tested\" needs a description of what was excluded and why (SAQ Appendix D).");
        }

        if (response == SaqResponse.InPlaceWithCcw && (input.Ccw is null || input.Ccw.Fields.Any(f => string.IsNullOrWhiteSpace(f.Value))))
        {
            var missing = input.Ccw is null
                ? "all of its parts"
                : string.Join(", ", input.Ccw.Fields.Where(f => string.IsNullOrWhiteSpace(f.Value)).Select(f => f.Label.ToLowerInvariant()));
            problems.Add($"\"In Place with CCW\" needs a compensating-control worksheet: fill in {missing}.");
        }

        var texts = new[] { input.Explanation, input.EvidenceNotes, input.NaJustification }
            .Concat(input.Ccw?.Fields.Select(f => f.Value) ?? []);
        if (texts.Any(t => t?.Length > MaxTextLength))
        {
            problems.Add($"Keep each text under {MaxTextLength} characters.");
        }

        return problems;
    }

    public static IReadOnlyList<SectionProgress> Progress(SaqDefinition saq, IEnumerable<SaqAnswer> answers)
    {
        var answered = answers.Select(a => a.Requirement).ToHashSet();
        return saq.Sections
            .Select(s => new SectionProgress(s.Number, s.Title, s.Requirements.Count, s.Requirements.Count(answered.Contains)))
            .ToList();
    }
}
