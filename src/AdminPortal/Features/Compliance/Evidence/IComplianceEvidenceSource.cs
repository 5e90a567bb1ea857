using AdminPortal.Features.Compliance.Catalogue;

namespace AdminPortal.Features.Compliance.Evidence;

/// <summary>
/// One fact the portal already holds that supports (or contradicts) an SAQ answer: which requirement, what answer it
/// suggests, why, where it came from and when it was taken. The officer accepts or changes it; it is never an answer.
/// </summary>
/// <param name="Requirement">The official PCI DSS v4.0.1 number, e.g. "8.4.2".</param>
/// <param name="Source">Who produced it, shown to the officer and in the PDF, e.g. "Accounts: MFA enrolment".</param>
public sealed record EvidenceFinding(string Requirement, SaqResponse ProposedResponse, string Explanation, string Source, DateTimeOffset TakenAt);

/// <summary>
/// The Compliance extension point for evidence, registered with <c>services.AddComplianceEvidenceSource&lt;T&gt;()</c>.
/// Compliance is the top slice, so the sources for Accounts, Devices and Patching live here and read those slices' C# APIs
/// (<c>EstateEvidenceSources.cs</c>); a slice at the same level (Incidents) may register its own.
/// Implementations read only the given merchant's data: the caller has already checked the person's scope.
/// </summary>
public interface IComplianceEvidenceSource
{
    /// <summary>A short name for the source, e.g. "Audit log".</summary>
    string Name { get; }

    Task<IReadOnlyList<EvidenceFinding>> CollectAsync(Guid merchantId, CancellationToken cancellationToken);
}

public static class EvidenceSourceRegistration
{
    public static IServiceCollection AddComplianceEvidenceSource<TSource>(this IServiceCollection services)
        where TSource : class, IComplianceEvidenceSource =>
        services.AddSingleton<IComplianceEvidenceSource, TSource>();
}
