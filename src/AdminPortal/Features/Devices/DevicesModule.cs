using AdminPortal.Features.Devices.Api;
using AdminPortal.Features.Devices.Bulk;
using AdminPortal.Features.Devices.CheckIns;
using AdminPortal.Features.Devices.Commands;
using AdminPortal.Features.Devices.Enrollment;
using AdminPortal.Features.Devices.Monitoring;
using AdminPortal.Features.Devices.Pages;
using AdminPortal.Infrastructure.Cluster;
using AdminPortal.Infrastructure.CommandLine;
using AdminPortal.Infrastructure.Shell;
using MudBlazor;

namespace AdminPortal.Features.Devices;

public static class DevicesModule
{
    public static WebApplicationBuilder AddDevices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<DeviceOptions>().Bind(builder.Configuration.GetSection(DeviceOptions.SectionName));
        services.AddSingleton<DeviceCredentials>();
        services.AddSingleton<DeviceDirectory>();
        services.AddSingleton<DeviceRateLimiter>();
        services.AddSingleton<DeviceRequestReader>();
        services.AddSingleton<StoreLocations>();
        services.AddSingleton<EnrollmentCodes>();
        services.AddSingleton<DeviceEnrollment>();
        services.AddSingleton<DeviceCommandService>();
        services.AddSingleton<Tags.DeviceTagService>();
        services.AddSingleton<Bulk.ExpectedDevices>();
        services.AddSingleton<CheckInProcessor>();
        services.AddSingleton<CheckInMetrics>();
        services.AddSingleton<CheckInWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<CheckInWriter>());
        services.AddSingletonWork<DeviceHealthMonitor>();
        services.AddDeviceApiDocumentation();
        services.AddPortalCommand<EnrollmentCodeCommand>();
        services.AddTransient<IDemoSeeder, DevicesDemoSeeder>();
        services.AddSingleton<Simulator.TerminalSimulation>();
        services.AddPortalCommand<Simulator.SimulateCommand>();
        services.AddNavItem(new NavItem("Estate", "Devices", "devices", Icons.Material.Filled.PointOfSale, 20));
        services.AddNavItem(new NavItem("Estate", "Enroll terminals", "devices/enrollment", Icons.Material.Filled.QrCode2, 21));
        services.AddDashboardCard<DevicesCard>("Terminals", order: 10);
        return builder;
    }

    public static WebApplication MapDevices(this WebApplication app)
    {
        app.MapDeviceApi();
        app.MapDeviceApiDocumentation();
        app.MapDeviceExport();
        return app;
    }
}
