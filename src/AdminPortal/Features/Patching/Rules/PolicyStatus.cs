namespace AdminPortal.Features.Patching;

/// <summary>Life cycle of a policy. Stored as its integer value: never renumber.</summary>
public enum PolicyStatus
{
    /// <summary>Being written; the only state in which the definition can change.</summary>
    Draft = 1,

    /// <summary>Submitted, frozen, waiting for a second person to approve and activate it.</summary>
    PendingApproval = 2,

    /// <summary>Terminals receive it at check-in; the rollout advances ring by ring.</summary>
    Active = 3,

    /// <summary>Stopped by a person: terminals receive nothing new until it is resumed.</summary>
    Paused = 4,

    /// <summary>Reached every targeted device and all are compliant.</summary>
    Completed = 5,

    /// <summary>Withdrawn for good; kept for the record.</summary>
    Retired = 6,
}

public static class PolicyStatusRules
{
    /// <summary>States in which terminals are told about the policy.</summary>
    public static bool IsInForce(this PolicyStatus status) => status == PolicyStatus.Active;

    public static string Label(this PolicyStatus status) => status switch
    {
        PolicyStatus.PendingApproval => "Pending approval",
        _ => status.ToString(),
    };
}
