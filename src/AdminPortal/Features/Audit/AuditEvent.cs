namespace AdminPortal.Features.Audit;

public enum AuditOutcome
{
    Success = 0,
    Failure = 1,
    Denied = 2,
}

/// <summary>Something security-relevant that happened. Never put a secret, password or card number in it.</summary>
public sealed record AuditEvent
{
    /// <summary>The area, lower-case: "authentication", "merchants", "devices", "patching"…</summary>
    public required string Category { get; init; }

    /// <summary>What happened, dotted lower-case: "sign-in.succeeded", "device.wiped".</summary>
    public required string Action { get; init; }

    /// <summary>One sentence a person reads in the audit log.</summary>
    public required string Summary { get; init; }

    public AuditOutcome Outcome { get; init; } = AuditOutcome.Success;
    public Guid? ActorId { get; init; }
    public string? ActorName { get; init; }
    public Guid? MerchantId { get; init; }
    public string? TargetType { get; init; }
    public string? TargetId { get; init; }
    public string? IpAddress { get; init; }
    public string? UserAgent { get; init; }
}

/// <summary>A stored audit row, with its place in the hash chain.</summary>
public sealed class AuditRecord
{
    public long Seq { get; init; }
    public Guid Id { get; init; }
    public DateTimeOffset OccurredAt { get; init; }
    public required string Category { get; init; }
    public required string Action { get; init; }
    public AuditOutcome Outcome { get; init; }
    public required string Summary { get; init; }
    public Guid? ActorId { get; init; }
    public string? ActorName { get; init; }
    public Guid? MerchantId { get; init; }
    public string? TargetType { get; init; }
    public string? TargetId { get; init; }
    public string? IpAddress { get; init; }
    public string? UserAgent { get; init; }
    public required string PrevHash { get; init; }
    public required string Hash { get; init; }

    /// <summary>The audit chain key that sealed the entry (<see cref="AuditChainKeys.IdOf"/>); null for entries written before the key existed.</summary>
    public string? KeyId { get; init; }
}

/// <summary>Which rows a reader asks for. <see cref="MerchantIds"/> null means every merchant (platform staff only).</summary>
public sealed record AuditQuery
{
    public IReadOnlyCollection<Guid>? MerchantIds { get; init; }
    public bool IncludePlatformEvents { get; init; }
    public string? Category { get; init; }
    public string? Text { get; init; }
    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? To { get; init; }
    public int Skip { get; init; }
    public int Take { get; init; } = 50;
}

public sealed record AuditPage(IReadOnlyList<AuditRecord> Rows, long Total);

/// <summary>
/// Result of walking the chain: where it first breaks, if anywhere. <see cref="UnsealedRows"/> entries were written before the
/// audit chain key existed (verified by plain hash, anchored by the first sealed entry after them).
/// </summary>
public sealed record AuditVerification(long RowsChecked, long? FirstBrokenSeq, string? Problem, long UnsealedRows = 0)
{
    public bool Intact => FirstBrokenSeq is null;

    /// <summary>The chain ends in unsealed entries: nothing sealed follows them yet, so an entry added there could not be told apart.</summary>
    public bool UnsealedTail { get; init; }
}
