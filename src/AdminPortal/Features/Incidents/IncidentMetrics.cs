namespace AdminPortal.Features.Incidents;

/// <summary>One severity in one month: how many incidents opened, and how fast they were acknowledged and resolved.</summary>
/// <param name="Mtta">Mean time to acknowledge of those acknowledged; null when none was.</param>
/// <param name="Mttr">Mean time to resolve (to the last close) of those closed; null when none was.</param>
public sealed record SeverityMonth(string Month, IncidentSeverity Severity, int Opened, TimeSpan? Mtta, TimeSpan? Mttr);

public sealed record IncidentMetricsReport(
    IReadOnlyList<string> Months,
    IReadOnlyList<SeverityMonth> Cells,
    IReadOnlyDictionary<IncidentType, int> ByType,
    int Total,
    int Closed,
    TimeSpan? Mtta,
    TimeSpan? Mttr,
    int AcknowledgeBreaches,
    int ResolveBreaches)
{
    public SeverityMonth Cell(string month, IncidentSeverity severity) =>
        Cells.FirstOrDefault(c => c.Month == month && c.Severity == severity) ?? new SeverityMonth(month, severity, 0, null, null);
}

/// <summary>MTTA / MTTR per severity and month and counts by type, computed from the incidents (no clock, no database).</summary>
public static class IncidentMetrics
{
    public static string MonthOf(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The <paramref name="months"/> calendar months up to and including the one of <paramref name="now"/>, oldest first.</summary>
    public static IReadOnlyList<string> MonthsUpTo(DateTimeOffset now, int months)
    {
        var first = new DateTime(now.UtcDateTime.Year, now.UtcDateTime.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1 - months);
        return Enumerable.Range(0, months).Select(i => first.AddMonths(i).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture)).ToList();
    }

    public static DateTimeOffset Start(DateTimeOffset now, int months) =>
        new(new DateTime(now.UtcDateTime.Year, now.UtcDateTime.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1 - months));

    public static IncidentMetricsReport Compute(IReadOnlyList<Incident> incidents, DateTimeOffset now, int months)
    {
        var monthList = MonthsUpTo(now, months);
        var inWindow = incidents.Where(i => monthList.Contains(MonthOf(i.OpenedAt))).ToList();
        var cells = inWindow
            .GroupBy(i => (Month: MonthOf(i.OpenedAt), i.Severity))
            .Select(g => new SeverityMonth(g.Key.Month, g.Key.Severity, g.Count(), Mean(g, Acknowledge), Mean(g, Resolve)))
            .OrderBy(c => c.Month, StringComparer.Ordinal).ThenBy(c => c.Severity)
            .ToList();
        var byType = Enum.GetValues<IncidentType>().ToDictionary(t => t, t => inWindow.Count(i => i.Type == t));
        return new IncidentMetricsReport(
            monthList,
            cells,
            byType,
            inWindow.Count,
            inWindow.Count(i => i.ClosedAt is not null),
            Mean(inWindow, Acknowledge),
            Mean(inWindow, Resolve),
            inWindow.Count(i => SlaClock.Acknowledge(i, now).State == SlaState.Breached),
            inWindow.Count(i => SlaClock.Resolve(i, now).State == SlaState.Breached));
    }

    private static TimeSpan? Acknowledge(Incident incident) => incident.AcknowledgedAt - incident.OpenedAt;

    private static TimeSpan? Resolve(Incident incident) => incident.ClosedAt - incident.OpenedAt;

    private static TimeSpan? Mean(IEnumerable<Incident> incidents, Func<Incident, TimeSpan?> measure)
    {
        var spans = incidents.Select(measure).OfType<TimeSpan>().ToList();
        return spans.Count == 0 ? null : TimeSpan.FromTicks((long)spans.Average(s => s.Ticks));
    }
}
