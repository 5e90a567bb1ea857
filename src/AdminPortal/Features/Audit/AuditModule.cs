using AdminPortal.Infrastructure.Shell;
using MudBlazor;

namespace AdminPortal.Features.Audit;

public static class AuditModule
{
    /// <summary>The policy of the audit log page (declared with the other scope policies by the Merchants slice).</summary>
    public const string AuditPolicy = "AuditReader";

    public static WebApplicationBuilder AddAudit(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IAuditLog, AuditLog>();
        builder.Services.AddNavItem(new NavItem("Administration", "Audit log", "audit", Icons.Material.Filled.FactCheck, 90, AuditPolicy));
        return builder;
    }

    public static WebApplication MapAudit(this WebApplication app)
    {
        app.MapAuditExport();
        return app;
    }
}
