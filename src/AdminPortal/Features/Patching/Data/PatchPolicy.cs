namespace AdminPortal.Features.Patching;

/// <summary>A stored policy: the author's definition plus its life cycle, the people behind it and the rollout state.</summary>
public sealed class PatchPolicy
{
    public Guid MerchantId { get; init; }
    public Guid Id { get; init; }
    public required string Name { get; init; }
    public PolicyStatus Status { get; init; }
    public required PolicyDefinition Definition { get; init; }
    public Guid? CreatedById { get; init; }
    public required string CreatedByName { get; init; }
    public Guid? EditedById { get; init; }
    public required string EditedByName { get; init; }
    public Guid? SubmittedById { get; init; }
    public string? SubmittedByName { get; init; }
    public DateTimeOffset? SubmittedAt { get; init; }
    public Guid? ApprovedById { get; init; }
    public string? ApprovedByName { get; init; }
    public DateTimeOffset? ActivatedAt { get; init; }
    public int RingIndex { get; init; }
    public DateTimeOffset? RingStartedAt { get; init; }
    public RolloutPhase RolloutPhase { get; init; } = RolloutPhase.Running;
    public string? HaltReason { get; init; }

    /// <summary>Install outcomes count from here (activation, or the last time a person resumed a halted rollout).</summary>
    public DateTimeOffset? OutcomesSince { get; init; }

    /// <summary>Why it was last paused, returned to draft or retired, as the person wrote it.</summary>
    public string? StatusReason { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public int RowVersion { get; init; }

    public RolloutState Rollout => new(RingIndex, RingStartedAt ?? ActivatedAt ?? CreatedAt, RolloutPhase, HaltReason);

    public decimal CurrentRingPercent => Definition.Rollout.PercentOf(RingIndex);

    public PolicyInForce ToPolicyInForce() => new(Id, MerchantId, Name, Definition, Rollout);

    /// <summary>
    /// The four-eyes rule: whoever wrote the version awaiting approval (created, last edited or submitted it) may not
    /// approve it. A person without an id (never the case once sign-in exists) cannot approve anything.
    /// </summary>
    public bool MayBeApprovedBy(PatchingActor actor) =>
        actor.Id is { } id && id != CreatedById && id != EditedById && id != SubmittedById;
}
