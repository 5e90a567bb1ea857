namespace AdminPortal.Infrastructure.Shell;

/// <summary>A link in the navigation drawer, registered by the area that owns the page.</summary>
/// <param name="Group">The drawer group (an area heading such as "Estate" or "Security").</param>
/// <param name="Policy">Authorization policy a person needs to see the link; null shows it to everyone signed in.</param>
public sealed record NavItem(string Group, string Title, string Href, string Icon, int Order, string? Policy = null);

/// <summary>A card on the dashboard: a component type rendered with no parameters.</summary>
public sealed record DashboardCard(string Title, Type Component, int Order, string? Policy = null);

public static class ShellRegistration
{
    /// <summary>Order of the drawer groups; unknown groups follow in the order they were first registered.</summary>
    public static readonly IReadOnlyList<string> GroupOrder = ["Overview", "Estate", "Risk", "Compliance", "Administration", "Account"];

    public static IServiceCollection AddNavItem(this IServiceCollection services, NavItem item) => services.AddSingleton(item);

    public static IServiceCollection AddDashboardCard<TComponent>(this IServiceCollection services, string title, int order, string? policy = null)
        where TComponent : Microsoft.AspNetCore.Components.IComponent =>
        services.AddSingleton(new DashboardCard(title, typeof(TComponent), order, policy));

    public static IEnumerable<IGrouping<string, NavItem>> Grouped(IEnumerable<NavItem> items) =>
        items.OrderBy(i => i.Order)
            .GroupBy(i => i.Group)
            .OrderBy(g => GroupOrder.IndexOf(g.Key) is var index and >= 0 ? index : int.MaxValue);

    private static int IndexOf(this IReadOnlyList<string> list, string value)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] == value)
            {
                return i;
            }
        }

        return -1;
    }
}

/// <summary>A component shown in the app bar (merchant switcher, account menu), registered by its slice.</summary>
public sealed record AppBarItem(Type Component, int Order);
