namespace AdminPortal.Features.Fraud;

public enum AlertStatus
{
    Open = 0,
    ConfirmedFraud = 1,
    FalsePositive = 2,
}

public enum AlertSeverity
{
    Low = 0,
    Medium = 1,
    High = 2,
    Critical = 3,
}

public static class AlertSeverities
{
    /// <summary>Bands over the score; the default threshold (60) opens Medium alerts.</summary>
    public static AlertSeverity For(int score) => score switch
    {
        >= 150 => AlertSeverity.Critical,
        >= 100 => AlertSeverity.High,
        >= 60 => AlertSeverity.Medium,
        _ => AlertSeverity.Low,
    };
}

/// <summary>The rule ids of an alert, stored as ",a,b," so one rule filters with a LIKE on both databases.</summary>
public static class AlertRules
{
    public static string Encode(IEnumerable<string> rules) => "," + string.Join(",", rules.Order(StringComparer.Ordinal)) + ",";

    public static IReadOnlyList<string> Decode(string encoded) => encoded.Split(',', StringSplitOptions.RemoveEmptyEntries);

    public static string Pattern(string ruleId) => $"%,{ruleId},%";
}

public sealed class FraudAlert
{
    public Guid MerchantId { get; init; }
    public Guid Id { get; init; }
    public AlertStatus Status { get; init; }
    public AlertSeverity Severity { get; init; }
    public int Score { get; init; }
    public Guid DeviceId { get; init; }
    public Guid? StoreId { get; init; }
    public string CardToken { get; init; } = "";
    public string Bin { get; init; } = "";
    public string Last4 { get; init; } = "";
    public string Rules { get; init; } = "";
    public string Summary { get; init; } = "";
    public int HitCount { get; init; }
    public DateTimeOffset FirstEventAt { get; init; }
    public DateTimeOffset LastEventAt { get; init; }
    public DateTimeOffset OpenedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public Guid? AssigneeId { get; init; }
    public string? AssigneeName { get; init; }
    public DateTimeOffset? DecidedAt { get; init; }
    public Guid? DecidedById { get; init; }
    public string? DecidedByName { get; init; }
    public string? DecisionReason { get; init; }

    public IReadOnlyList<string> RuleIds => AlertRules.Decode(Rules);

    /// <summary>A short reference for people: the first 8 hex digits of the id.</summary>
    public string Reference => "FA-" + Id.ToString("N")[..8].ToUpperInvariant();
}

/// <summary>A rule hit as stored, with its event.</summary>
public sealed class AlertHit
{
    public string EventId { get; init; } = "";
    public string RuleId { get; init; } = "";
    public DateTimeOffset OccurredAt { get; init; }
    public int Points { get; init; }
    public string Explanation { get; init; } = "";
    public long AmountMinor { get; init; }
    public string Currency { get; init; } = "";
    public string Last4 { get; init; } = "";
    public TransactionType Type { get; init; }
    public EntryMode EntryMode { get; init; }
    public TransactionResult Result { get; init; }
}

public enum AssigneeFilter
{
    Anyone,
    Me,
    Unassigned,
}

public sealed record AlertQuery
{
    public AlertStatus? Status { get; init; } = AlertStatus.Open;
    public AlertSeverity? MinSeverity { get; init; }
    public Guid? MerchantId { get; init; }
    public string? RuleId { get; init; }
    public Guid? DeviceId { get; init; }
    public AssigneeFilter Assignee { get; init; }
    public int Skip { get; init; }
    public int Take { get; init; } = 25;
}

public sealed record AlertPage(IReadOnlyList<FraudAlert> Rows, long Total);

public enum AlertDecisionKind
{
    ConfirmFraud,
    FalsePositive,
}

/// <summary>Why a change to an alert was refused; the page says it in words.</summary>
public enum AlertChangeOutcome
{
    Done,
    NotFound,
    Forbidden,
    AlreadyDecided,
    ReasonRequired,
}
