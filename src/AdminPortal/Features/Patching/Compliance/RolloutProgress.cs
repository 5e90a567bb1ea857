namespace AdminPortal.Features.Patching;

/// <summary>Where one active policy's rollout stands among the merchant's devices.</summary>
public sealed record RolloutProgress(
    Guid PolicyId,
    Guid MerchantId,
    string PolicyName,
    int RingNumber,
    int RingCount,
    decimal RingPercent,
    RolloutPhase Phase,
    string? HaltReason,
    int TargetedDevices,
    int DevicesInRings,
    int CompliantDevices,
    RingOutcome Outcome)
{
    public decimal FailureRatePercent => Outcome.FailureRatePercent;
}

public static class RolloutProgressCalculator
{
    /// <summary>
    /// Counts for one policy from the merchant's devices and install reports. Failures count per device (its latest
    /// report on a required component since <see cref="PatchPolicy.OutcomesSince"/>), among devices of the rings reached so far.
    /// </summary>
    public static RolloutProgress Compute(PatchPolicy policy, IReadOnlyCollection<DeviceSnapshot> devices, IReadOnlyCollection<InstallRecord> records)
    {
        var targeted = devices.Where(d => d.MerchantId == policy.MerchantId && policy.Definition.Target.Matches(d)).ToList();
        var percent = policy.CurrentRingPercent;
        var inRings = targeted.Where(d => RolloutBuckets.IsInRing(policy.Id, d.Id, percent)).Select(d => d.Id).ToHashSet();
        var required = policy.Definition.Requirements.Select(r => r.Component).ToHashSet();
        var since = policy.OutcomesSince ?? policy.ActivatedAt ?? DateTimeOffset.MinValue;

        var latestPerDevice = records
            .Where(r => inRings.Contains(r.DeviceId) && required.Contains(r.Component) && r.OccurredAt >= since)
            .GroupBy(r => r.DeviceId)
            .Select(g => g.GroupBy(r => r.Component).Select(c => c.MaxBy(r => (r.OccurredAt, r.Id))!).ToList())
            .ToList();
        var attempted = latestPerDevice.Count;
        var failed = latestPerDevice.Count(latest => latest.Any(r => !r.Succeeded));

        var compliant = targeted.Count(d => policy.Definition.Requirements.All(r => PatchVersion.Satisfies(d.VersionOf(r.Component), r.MinimumVersion)));
        return new RolloutProgress(policy.Id, policy.MerchantId, policy.Name, policy.RingIndex + 1, policy.Definition.Rollout.RingPercents.Count, percent,
            policy.RolloutPhase, policy.HaltReason, targeted.Count, inRings.Count, compliant, new RingOutcome(attempted, failed));
    }
}
