using AdminPortal.Features.Compliance.Catalogue;

namespace AdminPortal.Features.Compliance.Assessments;

/// <summary>Draft → in review → reviewed → attested. An attested assessment is frozen.</summary>
public enum AssessmentStatus
{
    Draft = 1,
    InReview = 2,
    Reviewed = 3,
    Attested = 4,
}

public sealed class SaqAssessment
{
    public Guid MerchantId { get; init; }
    public Guid Id { get; init; }
    public required string SaqType { get; init; }
    public DateTimeOffset PeriodStart { get; init; }
    public DateTimeOffset PeriodEnd { get; init; }
    public AssessmentStatus Status { get; init; }
    public Guid? BasedOnId { get; init; }
    public Guid? CreatedById { get; init; }
    public required string CreatedByName { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public string? SubmittedByName { get; init; }
    public DateTimeOffset? SubmittedAt { get; init; }
    public Guid? ReviewedById { get; init; }
    public string? ReviewedByName { get; init; }
    public DateTimeOffset? ReviewedAt { get; init; }
    public string? ReviewNote { get; init; }
    public Guid? AttestedById { get; init; }
    public string? AttesterName { get; init; }
    public string? AttesterTitle { get; init; }
    public DateTimeOffset? AttestationDate { get; init; }
    public DateTimeOffset? AttestedAt { get; init; }

    public bool IsFrozen => Status == AssessmentStatus.Attested;

    public string PeriodText => $"{PeriodStart:yyyy-MM-dd} to {PeriodEnd:yyyy-MM-dd}";
}

/// <summary>The compensating-control worksheet (SAQ Appendix B) that every "In Place with CCW" answer needs.</summary>
public sealed record CompensatingControlWorksheet(
    string Constraints,
    string Objective,
    string IdentifiedRisk,
    string DefinitionOfControls,
    string Validation,
    string Maintenance)
{
    public static CompensatingControlWorksheet Empty => new("", "", "", "", "", "");

    public IEnumerable<(string Label, string Value)> Fields =>
    [
        ("Constraints", Constraints),
        ("Objective", Objective),
        ("Identified risk", IdentifiedRisk),
        ("Definition of compensating controls", DefinitionOfControls),
        ("Validation of compensating controls", Validation),
        ("Maintenance", Maintenance),
    ];
}

public sealed class SaqAnswer
{
    public Guid MerchantId { get; init; }
    public Guid AssessmentId { get; init; }
    public required string Requirement { get; init; }
    public SaqResponse Response { get; init; }
    public required string Explanation { get; init; }
    public required string EvidenceNotes { get; init; }
    public string? NaJustification { get; init; }
    public CompensatingControlWorksheet? Ccw { get; init; }
    public Guid? AnsweredById { get; init; }
    public required string AnsweredByName { get; init; }
    public DateTimeOffset AnsweredAt { get; init; }
    public string? EvidenceSource { get; init; }
}

/// <summary>What an officer submits for one requirement.</summary>
public sealed record AnswerInput(
    string Requirement,
    SaqResponse? Response,
    string? Explanation,
    string? EvidenceNotes,
    string? NaJustification = null,
    CompensatingControlWorksheet? Ccw = null,
    string? EvidenceSource = null);

/// <summary>Part 3b of the AOC: who attests, in which capacity, on which date.</summary>
public sealed record Attestation(string Name, string Title, DateOnly Date);

/// <summary>The person acting, as the audit log and the review rule see them.</summary>
public sealed record ComplianceActor(Guid? PersonId, string Name);

public sealed record SectionProgress(string Number, string Title, int Total, int Answered)
{
    public int Percent => Total == 0 ? 100 : Answered * 100 / Total;
}

/// <summary>A rule refused the action; the message is written for the person who tried it.</summary>
public class ComplianceRuleException(string message) : Exception(message);

/// <summary>The assessment does not exist or the person may not see it: both read the same, on purpose.</summary>
public sealed class AssessmentNotFoundException() : ComplianceRuleException("That assessment was not found, or you have no access to it.");
