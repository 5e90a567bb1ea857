using AdminPortal.Features.Fraud.Ingestion;
using AdminPortal.Features.Fraud.Scoring;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Infrastructure.Shell;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MudBlazor;

namespace AdminPortal.Features.Fraud;

public static class FraudModule
{
    public static WebApplicationBuilder AddFraud(this WebApplicationBuilder builder)
    {
        DapperTypeHandlers.AddJson<List<RuleSetting>>();
        var services = builder.Services;
        services.AddSingleton<FraudEngine>();
        services.AddSingleton<AlertRouter>();
        services.AddSingleton<FraudEventStore>();
        services.AddSingleton<FraudSettingsStore>();
        services.AddSingleton<StoreProfileCache>();
        services.AddSingleton<FraudStateRebuilder>();
        services.AddSingleton<TransactionIngestor>();
        services.AddHostedService(sp => sp.GetRequiredService<TransactionIngestor>());
        services.AddSingleton<AlertQueue>();
        services.AddSingleton<AlertDeviceLock>();
        services.AddSingleton<FraudViewerResolver>();
        services.AddSingleton<Backtester>();
        services.AddSingleton<RuleStatistics>();
        services.AddTransient<AdminPortal.Infrastructure.CommandLine.IDemoSeeder, FraudDemoSeeder>();

        // Seams bound to other areas: device authentication, and alert changes over the shared live updates.
        services.TryAddSingleton<ICallingDeviceResolver, DeviceCredentialResolver>();
        services.TryAddSingleton<IFraudAlertFeed, LiveFraudAlertFeed>();

        services.AddDashboardCard<Queue.OpenAlertsCard>("Open fraud alerts", order: 20);
        AdminPortal.Features.Devices.DeviceExtensionRegistration.AddDevicePanel<Queue.DeviceAlertsPanel>(services, "Fraud alerts", order: 20);
        services.AddNavItem(new NavItem("Risk", "Fraud alerts", "fraud", Icons.Material.Filled.GppMaybe, 10));
        services.AddNavItem(new NavItem("Risk", "Fraud rules", "fraud/rules", Icons.Material.Filled.Tune, 11));
        return builder;
    }

    public static WebApplication MapFraud(this WebApplication app)
    {
        app.MapTransactionsEndpoint();
        return app;
    }
}
