using MudBlazor;

namespace AdminPortal.Features.Incidents.Pages;

/// <summary>How incidents look on every page: one colour per severity, status and SLA state.</summary>
public static class IncidentPresentation
{
    public static Color SeverityColour(IncidentSeverity severity) => severity switch
    {
        IncidentSeverity.Sev1 => Color.Error,
        IncidentSeverity.Sev2 => Color.Warning,
        IncidentSeverity.Sev3 => Color.Info,
        _ => Color.Default,
    };

    public static Color StatusColour(IncidentStatus status) => status switch
    {
        IncidentStatus.New => Color.Warning,
        IncidentStatus.Closed => Color.Success,
        _ => Color.Primary,
    };

    public static Color SlaColour(SlaState state) => state switch
    {
        SlaState.Breached => Color.Error,
        SlaState.BreachingSoon => Color.Warning,
        SlaState.Met => Color.Success,
        _ => Color.Default,
    };

    public static string SlaText(SlaTimer timer) => timer.State switch
    {
        SlaState.Met => $"met ({SlaClock.Format(timer.Remaining)} to spare)",
        SlaState.Breached when timer.IsRunning => $"breached {SlaClock.Format(timer.Remaining)} ago",
        SlaState.Breached => $"missed by {SlaClock.Format(timer.Remaining)}",
        _ => $"{SlaClock.Format(timer.Remaining)} left",
    };

    public static string Icon(TimelineKind kind) => kind switch
    {
        TimelineKind.Opened => Icons.Material.Filled.FiberNew,
        TimelineKind.Comment => Icons.Material.Filled.Comment,
        TimelineKind.StatusChanged => Icons.Material.Filled.SwapHoriz,
        TimelineKind.SeverityChanged => Icons.Material.Filled.PriorityHigh,
        TimelineKind.AssigneeChanged => Icons.Material.Filled.PersonPin,
        TimelineKind.Linked => Icons.Material.Filled.Link,
        TimelineKind.Unlinked => Icons.Material.Filled.LinkOff,
        TimelineKind.SlaBreached => Icons.Material.Filled.TimerOff,
        TimelineKind.Escalated => Icons.Material.Filled.Campaign,
        _ => Icons.Material.Filled.PointOfSale,
    };

    /// <summary>One sentence per timeline row; comments are shown as their text below it.</summary>
    public static string Describe(TimelineEntry entry) => entry.Kind switch
    {
        TimelineKind.Opened => "opened the incident",
        TimelineKind.Comment => "commented",
        TimelineKind.StatusChanged => $"moved it from {entry.FromValue} to {entry.ToValue}",
        TimelineKind.SeverityChanged => $"changed the severity from {entry.FromValue} to {entry.ToValue}",
        TimelineKind.AssigneeChanged => $"changed the assignee from {entry.FromValue} to {entry.ToValue}",
        TimelineKind.Linked => $"linked {entry.ToValue}",
        TimelineKind.Unlinked => $"removed the link to {entry.FromValue}",
        TimelineKind.SlaBreached => $"recorded an SLA breach (time to {entry.ToValue})",
        TimelineKind.Escalated => $"escalated it from {entry.FromValue} to {entry.ToValue}",
        _ => "acted on a device",
    };

    public static string When(DateTimeOffset at) => at.ToString("yyyy-MM-dd HH:mm") + " UTC";
}
