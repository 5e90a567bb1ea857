namespace AdminPortal.Features.Incidents;

/// <summary>Targets of one severity: time to acknowledge (first staff response) and time to resolve (closed).</summary>
public sealed class SlaTarget
{
    public TimeSpan Acknowledge { get; set; }
    public TimeSpan Resolve { get; set; }
}

/// <summary>Configuration section <c>Incidents</c> (see the README's configuration table).</summary>
public sealed class IncidentOptions
{
    public const string SectionName = "Incidents";

    public SlaTarget Sev1 { get; set; } = new() { Acknowledge = TimeSpan.FromMinutes(15), Resolve = TimeSpan.FromHours(4) };
    public SlaTarget Sev2 { get; set; } = new() { Acknowledge = TimeSpan.FromHours(1), Resolve = TimeSpan.FromHours(24) };
    public SlaTarget Sev3 { get; set; } = new() { Acknowledge = TimeSpan.FromHours(4), Resolve = TimeSpan.FromDays(3) };
    public SlaTarget Sev4 { get; set; } = new() { Acknowledge = TimeSpan.FromDays(1), Resolve = TimeSpan.FromDays(10) };

    /// <summary>"Breaching soon" once less than this share of a target is left (0.25: the last quarter).</summary>
    public double BreachingSoonShare { get; set; } = 0.25;

    /// <summary>How often the SLA escalation looks for breaches.</summary>
    public int SlaCheckIntervalSeconds { get; set; } = 30;

    public SlaTarget For(IncidentSeverity severity) => severity switch
    {
        IncidentSeverity.Sev1 => Sev1,
        IncidentSeverity.Sev2 => Sev2,
        IncidentSeverity.Sev3 => Sev3,
        _ => Sev4,
    };

    /// <summary>A target that is zero or negative, or a share outside (0, 1), is a configuration mistake: refuse to start.</summary>
    public string? Problem()
    {
        foreach (var severity in Enum.GetValues<IncidentSeverity>())
        {
            var target = For(severity);
            if (target.Acknowledge <= TimeSpan.Zero || target.Resolve <= TimeSpan.Zero)
            {
                return $"Incidents:{severity}: Acknowledge and Resolve must be positive times such as 00:15:00.";
            }

            if (target.Acknowledge > target.Resolve)
            {
                return $"Incidents:{severity}: Acknowledge must not be longer than Resolve.";
            }
        }

        if (BreachingSoonShare is <= 0 or >= 1)
        {
            return "Incidents:BreachingSoonShare must be between 0 and 1, e.g. 0.25.";
        }

        return SlaCheckIntervalSeconds < 1 ? "Incidents:SlaCheckIntervalSeconds must be at least 1." : null;
    }
}

/// <summary>The deadlines of an incident, fixed from its opening time and severity (recomputed when the severity changes).</summary>
public sealed record SlaDeadlines(DateTimeOffset AcknowledgeDueAt, DateTimeOffset ResolveDueAt, DateTimeOffset AcknowledgeWarnAt, DateTimeOffset ResolveWarnAt)
{
    public static SlaDeadlines For(IncidentOptions options, IncidentSeverity severity, DateTimeOffset openedAt)
    {
        var target = options.For(severity);
        var warnShare = 1 - options.BreachingSoonShare;
        return new SlaDeadlines(
            openedAt + target.Acknowledge,
            openedAt + target.Resolve,
            openedAt + target.Acknowledge * warnShare,
            openedAt + target.Resolve * warnShare);
    }
}

public enum SlaState
{
    /// <summary>Met: acknowledged / closed before the deadline.</summary>
    Met,
    OnTrack,
    BreachingSoon,
    Breached,
}

/// <summary>One timer as a page shows it: its state, the deadline and what is left (negative once breached).</summary>
public sealed record SlaTimer(string Name, SlaState State, DateTimeOffset DueAt, TimeSpan Remaining, DateTimeOffset? DoneAt)
{
    public bool IsRunning => DoneAt is null;
}

/// <summary>SLA arithmetic on stored deadlines: no database, no clock of its own (the caller passes now).</summary>
public static class SlaClock
{
    public static SlaTimer Acknowledge(Incident incident, DateTimeOffset now) =>
        Evaluate("Acknowledge", incident.AcknowledgeDueAt, incident.AcknowledgeWarnAt, incident.AcknowledgedAt ?? incident.ClosedAt, now);

    public static SlaTimer Resolve(Incident incident, DateTimeOffset now) =>
        Evaluate("Resolve", incident.ResolveDueAt, incident.ResolveWarnAt, incident.ClosedAt, now);

    /// <summary>The worse of the two timers: what a queue row shows.</summary>
    public static SlaState Overall(Incident incident, DateTimeOffset now)
    {
        var states = new[] { Acknowledge(incident, now).State, Resolve(incident, now).State };
        return states.Max();
    }

    public static bool IsAcknowledgeBreached(Incident incident, DateTimeOffset now) =>
        incident.AcknowledgedAt is null && incident.IsOpen && now >= incident.AcknowledgeDueAt;

    public static bool IsResolveBreached(Incident incident, DateTimeOffset now) => incident.IsOpen && now >= incident.ResolveDueAt;

    private static SlaTimer Evaluate(string name, DateTimeOffset due, DateTimeOffset warn, DateTimeOffset? doneAt, DateTimeOffset now)
    {
        if (doneAt is { } done)
        {
            return new SlaTimer(name, done <= due ? SlaState.Met : SlaState.Breached, due, due - done, done);
        }

        var state = now >= due ? SlaState.Breached : now >= warn ? SlaState.BreachingSoon : SlaState.OnTrack;
        return new SlaTimer(name, state, due, due - now, null);
    }

    /// <summary>"1 h 05 min", "3 d 4 h", "42 s": the size of a remaining or overdue span, without its sign.</summary>
    public static string Format(TimeSpan span)
    {
        var value = span.Duration();
        if (value.TotalDays >= 1)
        {
            return $"{(int)value.TotalDays} d {value.Hours} h";
        }

        if (value.TotalHours >= 1)
        {
            return $"{(int)value.TotalHours} h {value.Minutes:00} min";
        }

        return value.TotalMinutes >= 1 ? $"{value.Minutes} min {value.Seconds:00} s" : $"{value.Seconds} s";
    }
}
