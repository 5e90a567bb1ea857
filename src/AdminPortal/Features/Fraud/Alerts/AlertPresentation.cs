using MudBlazor;

namespace AdminPortal.Features.Fraud;

/// <summary>Words and colours for alert values, shared by the queue, the alert page and the dashboard card.</summary>
public static class AlertPresentation
{
    public static Color SeverityColour(AlertSeverity severity) => severity switch
    {
        AlertSeverity.Critical => Color.Error,
        AlertSeverity.High => Color.Warning,
        AlertSeverity.Medium => Color.Info,
        _ => Color.Default,
    };

    public static string StatusText(AlertStatus status) => status switch
    {
        AlertStatus.Open => "Open",
        AlertStatus.ConfirmedFraud => "Confirmed fraud",
        AlertStatus.FalsePositive => "False positive",
        _ => status.ToString(),
    };

    public static Color StatusColour(AlertStatus status) => status switch
    {
        AlertStatus.Open => Color.Primary,
        AlertStatus.ConfirmedFraud => Color.Error,
        _ => Color.Success,
    };

    public static string Card(string bin, string last4) => $"{bin}•• •••• {last4}";

    public static string Ago(DateTimeOffset at, DateTimeOffset now)
    {
        var span = now - at;
        return span.TotalMinutes < 1 ? "just now"
            : span.TotalHours < 1 ? $"{(int)span.TotalMinutes} min ago"
            : span.TotalDays < 1 ? $"{(int)span.TotalHours} h ago"
            : $"{(int)span.TotalDays} d ago";
    }
}
