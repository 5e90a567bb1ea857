using AdminPortal.Features.Accounts;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Features.Merchants.Editing;
using AdminPortal.Features.Merchants.People;
using AdminPortal.Infrastructure.CommandLine;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Infrastructure.Shell;
using Microsoft.AspNetCore.Components.Server.Circuits;
using MudBlazor;

namespace AdminPortal.Features.Merchants;

public static class MerchantsModule
{
    public static WebApplicationBuilder AddMerchants(this WebApplicationBuilder builder)
    {
        DapperTypeHandlers.AddJson<OpeningHours>();
        builder.Services.AddSingleton<MerchantDirectory>();
        builder.Services.AddSingleton<MerchantEditor>();
        builder.Services.AddScoped<CurrentAccess>();
        builder.Services.AddSingleton<IAccessScopeProvider, AccessScopeProvider>();
        builder.Services.AddSingleton<CurrentMerchantAccessor>();
        builder.Services.AddScoped<CurrentMerchant>();
        builder.Services.AddScoped<CircuitHandler, CurrentMerchantCircuitHandler>();
        builder.Services.AddScoped<ICurrentMerchantStore, BrowserCurrentMerchantStore>();
        builder.Services.AddSingleton(new AppBarItem(typeof(MerchantSwitcher), 50));
        builder.Services.AddScopePolicies();
        builder.Services.AddSingleton<MerchantMemberships>();
        builder.Services.AddSingleton<StaffAdministration>();
        builder.Services.AddOptions<InvitationOptions>().Bind(builder.Configuration.GetSection(InvitationOptions.SectionName));
        builder.Services.AddTransient<IDemoSeeder, MerchantsDemoSeeder>();
        builder.Services.AddNavItem(new NavItem("Estate", "Merchants", "merchants", Icons.Material.Filled.Storefront, 10));
        builder.Services.AddNavItem(new NavItem("Administration", "People", "people", Icons.Material.Filled.People, 10, PortalPolicies.PlatformAdmin));
        builder.Services.AddDashboardCard<EstateCard>("Estate", order: 0);
        return builder;
    }

    public static WebApplication MapMerchants(this WebApplication app) => app;
}
