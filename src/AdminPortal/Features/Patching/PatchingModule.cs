using AdminPortal.Infrastructure.Cluster;
using AdminPortal.Infrastructure.CommandLine;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Infrastructure.Shell;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MudBlazor;

namespace AdminPortal.Features.Patching;

public static class PatchingModule
{
    public static WebApplicationBuilder AddPatching(this WebApplicationBuilder builder)
    {
        DapperTypeHandlers.AddJson<PolicyDefinition>();
        var services = builder.Services;
        services.AddSingleton<PatchReleaseCatalogue>();
        services.AddSingleton<PatchPolicyQueries>();
        services.AddSingleton<PatchPolicyLifecycle>();
        services.AddSingleton<PatchInstallLedger>();
        services.AddSingleton<PatchPolicyProvider>();
        services.AddSingleton<PatchComplianceReports>();
        services.AddSingleton<RolloutSupervisor>();
        services.AddScoped<Pages.PatchingAccess>();
        services.AddTransient<IDemoSeeder, PatchingDemoSeeder>();
        services.AddNavItem(new NavItem("Estate", "Patching", "patching", Icons.Material.Filled.SystemSecurityUpdate, 30));
        services.AddDashboardCard<PatchComplianceCard>("Patch compliance", order: 30);
        services.AddSingletonWork<RolloutSupervisorService>();

        // Extension points other slices fill. TryAdd: the Devices slice's inventory (registered before or after this
        // call with AddSingleton/Replace) wins over the empty stand-in.
        services.TryAddSingleton<IDeviceInventory, NoDeviceInventory>();

        services.AddSingleton<IPolicyActivationStepUp, AccountsPolicyActivationStepUp>();
        return builder;
    }

    public static WebApplication MapPatching(this WebApplication app) => app;
}
