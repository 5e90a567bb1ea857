using AdminPortal.Features.Compliance.Assessments;
using AdminPortal.Features.Compliance.Awareness;
using AdminPortal.Features.Compliance.Catalogue;
using AdminPortal.Features.Compliance.Evidence;
using AdminPortal.Features.Compliance.Export;
using AdminPortal.Features.Compliance.Pages;
using AdminPortal.Infrastructure.CommandLine;
using AdminPortal.Infrastructure.Shell;
using MudBlazor;

namespace AdminPortal.Features.Compliance;

public static class ComplianceModule
{
    public static WebApplicationBuilder AddCompliance(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(_ => SaqCatalogue.Default);
        services.AddSingleton<AssessmentStore>();
        services.AddSingleton<AwarenessStore>();
        services.AddSingleton<EvidenceCollector>();
        services.AddSingleton<ComplianceStepUp>();
        services.AddSingleton<SaqExporter>();
        services.AddComplianceEvidenceSource<AuditLogEvidenceSource>();
        services.AddComplianceEvidenceSource<AwarenessEvidenceSource>();
        services.AddComplianceEvidenceSource<AccountsEvidenceSource>();
        services.AddComplianceEvidenceSource<DeviceInventoryEvidenceSource>();
        services.AddComplianceEvidenceSource<PatchLatencyEvidenceSource>();
        services.AddComplianceEvidenceSource<IncidentEvidenceSource>();
        services.AddPortalCommand<ExportSaqCommand>();
        services.AddTransient<IDemoSeeder, ComplianceDemoSeeder>();
        services.AddNavItem(new NavItem("Compliance", "PCI DSS self-assessment", "compliance", Icons.Material.Filled.Policy, 10));
        services.AddDashboardCard<ComplianceCard>("PCI DSS self-assessment", order: 40);
        services.AddNavItem(new NavItem("Compliance", "Security awareness", "compliance/awareness", Icons.Material.Filled.School, 20));
        return builder;
    }

    public static WebApplication MapCompliance(this WebApplication app)
    {
        app.MapSaqExportEndpoint();
        return app;
    }
}
