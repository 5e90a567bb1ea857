using AdminPortal.Infrastructure.Shell;
using MudBlazor;

namespace AdminPortal.Features.Audit;

public static class AuditModule
{
    /// <summary>The policy of the audit log page (declared with the other scope policies by the Merchants slice).</summary>
    public const string AuditPolicy = "AuditReader";

    public static WebApplicationBuilder AddAudit(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(sp => AuditChainKeys.Load(
            sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<IHostEnvironment>(), sp.GetRequiredService<ILogger<AuditChainKeys>>()));
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddSingleton<IAuditLog>(sp => sp.GetRequiredService<AuditLog>());
        builder.Services.AddHostedService<AuditChainAnchor>();
        builder.Services.AddNavItem(new NavItem("Administration", "Audit log", "audit", Icons.Material.Filled.FactCheck, 90, AuditPolicy));
        return builder;
    }

    public static WebApplication MapAudit(this WebApplication app)
    {
        app.MapAuditExport();
        return app;
    }
}

/// <summary>At start (after the migrations): seals a log whose newest entries were written before the audit chain key existed.</summary>
internal sealed class AuditChainAnchor(AuditLog audit) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => audit.AnchorUnsealedEntriesAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
