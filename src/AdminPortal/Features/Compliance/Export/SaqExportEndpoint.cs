using AdminPortal.Features.Compliance.Assessments;
using AdminPortal.Features.Merchants.Access;

namespace AdminPortal.Features.Compliance.Export;

public static class SaqExportEndpoint
{
    public const string Route = "/compliance/assessments/{id:guid}/saq.pdf";

    public static string For(Guid id) => $"/compliance/assessments/{id}/saq.pdf";

    /// <summary>A plain download link for the PDF (the page itself renders in the circuit to show progress).</summary>
    public static void MapSaqExportEndpoint(this WebApplication app) =>
        app.MapGet(Route, async (Guid id, HttpContext context, SaqExporter exporter, CancellationToken ct) =>
        {
            // The provider comes from the Merchants/Accounts integration; without it nobody has a scope, so nothing is exported.
            var scopes = context.RequestServices.GetService<IAccessScopeProvider>();
            var scope = scopes is null ? AccessScope.Nobody : await scopes.GetAsync(context.User, ct);
            try
            {
                var pdf = await exporter.ExportAsync(scope, ComplianceActors.From(context.User), id, "download", ct);
                return Results.File(pdf.Content, "application/pdf", pdf.FileName);
            }
            catch (AssessmentNotFoundException)
            {
                return Results.NotFound();
            }
            catch (ComplianceRuleException ex)
            {
                return Results.Problem(ex.Message, statusCode: StatusCodes.Status403Forbidden);
            }
        });
}
