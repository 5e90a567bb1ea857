using AdminPortal.Infrastructure.Cluster;
using AdminPortal.Features.Accounts.WebAuthn;
using AdminPortal.Features.Devices;
using AdminPortal.Features.Fraud;
using AdminPortal.Features.Incidents.Pages;
using AdminPortal.Features.Incidents.Sources;
using AdminPortal.Infrastructure.Shell;
using MudBlazor;

namespace AdminPortal.Features.Incidents;

public static class IncidentsModule
{
    public static WebApplicationBuilder AddIncidents(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<IncidentOptions>()
            .Bind(builder.Configuration.GetSection(IncidentOptions.SectionName))
            .Validate(o => o.Problem() is null, "Invalid Incidents settings: check the SLA targets (see the README's configuration table).")
            .ValidateOnStart();
        services.AddSingleton<LinkTargets>();
        services.AddSingleton<IncidentStore>();
        services.AddSingleton<IncidentDirectory>();
        services.AddSingleton<IncidentViewerResolver>();
        services.AddSingleton<IncidentDeviceActions>();
        services.AddSingleton<FraudAlertEscalation>();
        services.AddSingleton<SlaEscalation>();
        services.AddSingletonWork<SlaEscalationService>();
        services.AddTransient<AdminPortal.Infrastructure.CommandLine.IDemoSeeder, IncidentsDemoSeeder>();

        // Automatic sources: tamper reports at check-in, cloned-key signals from sign-in.
        services.AddSingleton<IDeviceCheckInObserver, TamperIncidents>();
        services.AddSingleton<ICounterRegressionObserver, CounterRegressionIncidents>();

        services.AddFraudAlertAction<EscalateAlertAction>(order: 10);
        services.AddDevicePanel<DeviceIncidentsPanel>("Incidents", order: 30);
        services.AddDashboardCard<IncidentsCard>("Incidents", order: 25);
        services.AddNavItem(new NavItem("Risk", "Incidents", "incidents", Icons.Material.Filled.ReportProblem, 12));
        services.AddNavItem(new NavItem("Risk", "Incident metrics", "incidents/metrics", Icons.Material.Filled.QueryStats, 13));
        return builder;
    }
}
