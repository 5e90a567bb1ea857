using AdminPortal.Features.Compliance.Assessments;
using AdminPortal.Features.Compliance.Catalogue;
using AdminPortal.Features.Compliance.Evidence;
using AdminPortal.Features.Merchants;

namespace AdminPortal.Features.Compliance.Export;

/// <summary>Everything one SAQ PDF shows, gathered (and scope-checked) before rendering starts.</summary>
public sealed record SaqExportModel(
    Merchant Merchant,
    IReadOnlyList<Store> Locations,
    SaqCatalogue Catalogue,
    SaqDefinition Saq,
    SaqAssessment Assessment,
    IReadOnlyList<SaqAnswer> Answers,
    IReadOnlyList<EvidenceFinding> Evidence,
    DateTimeOffset GeneratedAt)
{
    private Dictionary<string, SaqAnswer>? _byRequirement;

    public SaqAnswer? AnswerFor(string requirement) =>
        (_byRequirement ??= Answers.ToDictionary(a => a.Requirement)).GetValueOrDefault(requirement);

    public int RequirementCount => Saq.RequirementNumbers.Count();

    public bool IsComplete => Saq.RequirementNumbers.All(n => AnswerFor(n) is not null);

    /// <summary>AOC Part 3: the overall result the answers support.</summary>
    public string ComplianceStatus =>
        !IsComplete ? $"Incomplete: {Answers.Count} of {RequirementCount} requirements answered"
        : Answers.Any(a => a.Response == SaqResponse.NotInPlace) ? "Non-Compliant"
        : "Compliant";
}
