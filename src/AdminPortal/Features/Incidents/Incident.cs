namespace AdminPortal.Features.Incidents;

public enum IncidentType
{
    Fraud = 1,
    Tampering = 2,
    LostOrStolenDevice = 3,
    Malware = 4,
    DataBreach = 5,
    Phishing = 6,
    Insider = 7,
    Other = 8,
}

/// <summary>SEV1 is the most urgent; the number is stored as it reads.</summary>
public enum IncidentSeverity
{
    Sev1 = 1,
    Sev2 = 2,
    Sev3 = 3,
    Sev4 = 4,
}

/// <summary>The phases of NIST SP 800-61 as a ticket moves through them.</summary>
public enum IncidentStatus
{
    New = 0,
    Triage = 1,
    Containment = 2,
    Eradication = 3,
    Recovery = 4,
    Closed = 5,
}

/// <summary>How the incident came to be.</summary>
public enum IncidentSource
{
    Reported = 0,
    FraudAlert = 1,
    TamperReport = 2,
    CounterRegression = 3,
}

public enum IncidentLinkKind
{
    Device = 1,
    FraudAlert = 2,
}

/// <summary>What a timeline row records. Comments sit between the changes, in the order they happened.</summary>
public enum TimelineKind
{
    Opened = 0,
    Comment = 1,
    StatusChanged = 2,
    SeverityChanged = 3,
    AssigneeChanged = 4,
    Linked = 5,
    Unlinked = 6,
    SlaBreached = 7,
    Escalated = 8,
    DeviceAction = 9,
}

public sealed class Incident
{
    public Guid MerchantId { get; init; }
    public Guid Id { get; init; }
    public string Title { get; init; } = "";
    public IncidentType Type { get; init; }
    public IncidentSeverity Severity { get; init; }
    public IncidentStatus Status { get; init; }
    public IncidentSource Source { get; init; }
    public string? SourceKey { get; init; }
    public string Description { get; init; } = "";
    public Guid? ReporterId { get; init; }
    public string ReporterName { get; init; } = "";
    public Guid? AssigneeId { get; init; }
    public string? AssigneeName { get; init; }
    public DateTimeOffset OpenedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? AcknowledgedAt { get; init; }
    public DateTimeOffset? ClosedAt { get; init; }
    public DateTimeOffset AcknowledgeDueAt { get; init; }
    public DateTimeOffset ResolveDueAt { get; init; }
    public DateTimeOffset AcknowledgeWarnAt { get; init; }
    public DateTimeOffset ResolveWarnAt { get; init; }
    public DateTimeOffset? AcknowledgeBreachedAt { get; init; }
    public DateTimeOffset? ResolveBreachedAt { get; init; }

    /// <summary>0: the merchant's support agents; 1: escalated to platform admins after an SLA breach.</summary>
    public int EscalationLevel { get; init; }

    public string? ResolutionSummary { get; init; }
    public string? RootCause { get; init; }

    /// <summary>Optimistic concurrency: every change bumps it, a change based on an older read is refused.</summary>
    public int Version { get; init; }

    public bool IsOpen => Status != IncidentStatus.Closed;

    /// <summary>A short reference for people: the first 8 hex digits of the id.</summary>
    public string Reference => IncidentText.Reference(Id);
}

public sealed class IncidentLink
{
    public Guid IncidentId { get; init; }
    public IncidentLinkKind Kind { get; init; }
    public Guid TargetId { get; init; }
    public string Label { get; init; } = "";
    public DateTimeOffset LinkedAt { get; init; }
    public string LinkedByName { get; init; } = "";
}

public sealed class TimelineEntry
{
    public int Position { get; init; }
    public DateTimeOffset At { get; init; }
    public TimelineKind Kind { get; init; }
    public Guid? ActorId { get; init; }
    public string ActorName { get; init; } = "";
    public string? FromValue { get; init; }
    public string? ToValue { get; init; }
    public string? Body { get; init; }
}

/// <summary>Who acts on an incident: a person, or the portal itself for automatic sources and SLA escalation.</summary>
public sealed record IncidentActor(Guid? PersonId, string Name)
{
    public static readonly IncidentActor System = new(null, "Portal (automatic)");
}

/// <summary>Published on the merchant's live-update topic after every committed change of an incident.</summary>
public sealed record IncidentChanged(Guid MerchantId, Guid IncidentId, IncidentChange Change, string Reference);

public enum IncidentChange
{
    Opened,
    Updated,
    AssigneeChanged,
    Escalated,
    Closed,
}

/// <summary>Why a change was refused; pages say it in words, tests assert on it.</summary>
public enum IncidentOutcome
{
    Done,
    NotFound,
    Forbidden,
    Invalid,
    Conflict,
}

public sealed record IncidentResult(IncidentOutcome Outcome, string? Message = null)
{
    public static readonly IncidentResult Done = new(IncidentOutcome.Done);
    public static readonly IncidentResult NotFound = new(IncidentOutcome.NotFound, "This incident does not exist or belongs to a merchant you cannot see.");
    public static readonly IncidentResult Conflict = new(IncidentOutcome.Conflict, "Someone changed this incident a moment ago: look again and retry.");

    public bool Succeeded => Outcome == IncidentOutcome.Done;

    public static IncidentResult Forbidden(string message) => new(IncidentOutcome.Forbidden, message);

    public static IncidentResult Invalid(string message) => new(IncidentOutcome.Invalid, message);
}

public static class IncidentText
{
    public static string Reference(Guid id) => "INC-" + id.ToString("N")[..8].ToUpperInvariant();

    public static string Describe(IncidentType type) => type switch
    {
        IncidentType.Fraud => "Fraud",
        IncidentType.Tampering => "Tampering",
        IncidentType.LostOrStolenDevice => "Lost or stolen device",
        IncidentType.Malware => "Malware",
        IncidentType.DataBreach => "Data breach",
        IncidentType.Phishing => "Phishing",
        IncidentType.Insider => "Insider",
        _ => "Other",
    };

    public static string Describe(IncidentSeverity severity) => severity.ToString().ToUpperInvariant();

    public static string Describe(IncidentStatus status) => status switch
    {
        IncidentStatus.New => "New",
        IncidentStatus.Triage => "Triage",
        IncidentStatus.Containment => "Containment",
        IncidentStatus.Eradication => "Eradication",
        IncidentStatus.Recovery => "Recovery",
        _ => "Closed",
    };

    public static string Describe(IncidentSource source) => source switch
    {
        IncidentSource.FraudAlert => "Escalated from a fraud alert",
        IncidentSource.TamperReport => "Tamper report at check-in",
        IncidentSource.CounterRegression => "WebAuthn counter regression",
        _ => "Reported by hand",
    };
}
