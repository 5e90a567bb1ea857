using AdminPortal.Infrastructure.Shell;
using MudBlazor;

namespace AdminPortal.Features.Dashboard;

public static class DashboardModule
{
    public static WebApplicationBuilder AddDashboard(this WebApplicationBuilder builder)
    {
        builder.Services.AddNavItem(new NavItem("Overview", "Dashboard", "", Icons.Material.Filled.Dashboard, 0));
        return builder;
    }
}
