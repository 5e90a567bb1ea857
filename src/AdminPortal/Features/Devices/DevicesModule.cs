using AdminPortal.Features.Devices.Api;
using AdminPortal.Features.Devices.CheckIns;
using AdminPortal.Features.Devices.Commands;
using AdminPortal.Features.Devices.Enrollment;
using AdminPortal.Features.Devices.Monitoring;

namespace AdminPortal.Features.Devices;

public static class DevicesModule
{
    public static WebApplicationBuilder AddDevices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<DeviceOptions>().Bind(builder.Configuration.GetSection(DeviceOptions.SectionName));
        services.AddSingleton<DeviceCredentials>();
        services.AddSingleton<DeviceRateLimiter>();
        services.AddSingleton<DeviceRequestReader>();
        services.AddSingleton<StoreLocations>();
        services.AddSingleton<EnrollmentCodes>();
        services.AddSingleton<DeviceEnrollment>();
        services.AddSingleton<DeviceCommandService>();
        services.AddSingleton<Bulk.ExpectedDevices>();
        services.AddSingleton<CheckInProcessor>();
        services.AddSingleton<CheckInWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<CheckInWriter>());
        services.AddSingleton<DeviceHealthMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<DeviceHealthMonitor>());
        services.AddDeviceApiDocumentation();
        return builder;
    }

    public static WebApplication MapDevices(this WebApplication app)
    {
        app.MapDeviceApi();
        app.MapDeviceApiDocumentation();
        return app;
    }
}
