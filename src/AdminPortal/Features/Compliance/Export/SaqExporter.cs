using AdminPortal.Features.Compliance.Assessments;
using AdminPortal.Features.Compliance.Catalogue;
using AdminPortal.Features.Compliance.Evidence;
using AdminPortal.Features.Merchants;
using AdminPortal.Features.Merchants.Access;

namespace AdminPortal.Features.Compliance.Export;

public sealed record SaqPdf(byte[] Content, string FileName);

/// <summary>Gathers an assessment within the caller's scope, renders it and audits the export. Used by the page, the download endpoint and the CLI.</summary>
public sealed class SaqExporter(AssessmentStore assessments, EvidenceCollector evidence, MerchantDirectory merchants, SaqCatalogue catalogue, TimeProvider clock)
{
    private readonly SaqPdfRenderer _renderer = new();

    public async Task<SaqExportModel> LoadAsync(AccessScope scope, Guid assessmentId, CancellationToken ct = default)
    {
        var assessment = await assessments.FindAsync(scope, assessmentId, ct) ?? throw new AssessmentNotFoundException();
        if (!scope.Has(assessment.MerchantId, MerchantRole.ComplianceOfficer, MerchantRole.Owner))
        {
            throw new ComplianceRuleException("Only the merchant's compliance officer or owner can export its SAQ.");
        }

        var merchant = await merchants.GetMerchantAsync(scope, assessment.MerchantId, ct) ?? throw new AssessmentNotFoundException();
        return new SaqExportModel(
            merchant,
            await merchants.ListStoresAsync(scope, merchant.Id, ct),
            catalogue,
            catalogue.Get(assessment.SaqType),
            assessment,
            await assessments.AnswersAsync(scope, assessmentId, ct),
            await evidence.SnapshotAsync(scope, assessmentId, ct),
            clock.GetUtcNow());
    }

    public async Task<SaqPdf> ExportAsync(AccessScope scope, ComplianceActor actor, Guid assessmentId, string channel, CancellationToken ct = default)
    {
        var model = await LoadAsync(scope, assessmentId, ct);
        // Rendering is CPU work: keep it off the caller's thread (a Blazor circuit stays responsive and shows progress).
        var content = await Task.Run(() => _renderer.Render(model), ct);
        await assessments.RecordExportAsync(scope, actor, model.Assessment, channel, ct);
        return new SaqPdf(content, FileName(model));
    }

    public static string FileName(SaqExportModel model) =>
        $"SAQ-{model.Saq.Code}-{model.Merchant.MerchantNumber}-{model.Assessment.PeriodEnd:yyyy-MM-dd}.pdf";
}
