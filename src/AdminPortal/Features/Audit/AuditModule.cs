using AdminPortal.Infrastructure.Shell;
using MudBlazor;

namespace AdminPortal.Features.Audit;

public static class AuditModule
{
    public static WebApplicationBuilder AddAudit(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IAuditLog, AuditLog>();
        builder.Services.AddNavItem(new NavItem("Administration", "Audit log", "audit", Icons.Material.Filled.FactCheck, 90));
        return builder;
    }
}
