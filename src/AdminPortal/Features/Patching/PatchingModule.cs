using AdminPortal.Infrastructure.Cluster;
using AdminPortal.Infrastructure.CommandLine;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Infrastructure.Shell;
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

        // Patching reads terminals through Devices' C# API and plugs into the check-in through Devices' extension points.
        services.AddSingleton<IDeviceInventory, DevicesInventory>();
        services.AddSingleton<CheckInPatchPolicy>();
        services.AddSingleton<AdminPortal.Features.Devices.IDevicePolicyProvider>(sp => sp.GetRequiredService<CheckInPatchPolicy>());
        services.AddSingleton<AdminPortal.Features.Devices.IDeviceInstallReportSink>(sp => sp.GetRequiredService<CheckInPatchPolicy>());
        AdminPortal.Features.Devices.DeviceExtensionRegistration.AddDevicePanel<Integration.DevicePatchPanel>(services, "Patch compliance", order: 10);

        services.AddSingleton<IPolicyActivationStepUp, AccountsPolicyActivationStepUp>();
        return builder;
    }

    public static WebApplication MapPatching(this WebApplication app) => app;
}
