namespace AdminPortal.Features.Patching;

public sealed record ComplianceCounts(int Compliant, int InRollout, int Overdue, int Failed, int Unknown)
{
    public static ComplianceCounts None { get; } = new(0, 0, 0, 0, 0);

    public int Total => Compliant + InRollout + Overdue + Failed + Unknown;

    /// <summary>Share of covered devices that are compliant; null when no device is covered by a policy.</summary>
    public decimal? CompliantPercent => Total == 0 ? null : Math.Round(100m * Compliant / Total, 1);

    public int Of(DeviceComplianceState state) => state switch
    {
        DeviceComplianceState.Compliant => Compliant,
        DeviceComplianceState.InRollout => InRollout,
        DeviceComplianceState.Overdue => Overdue,
        DeviceComplianceState.Failed => Failed,
        _ => Unknown,
    };

    public static ComplianceCounts From(IEnumerable<DeviceComplianceState> states)
    {
        var list = states.ToList();
        return new(list.Count(s => s == DeviceComplianceState.Compliant), list.Count(s => s == DeviceComplianceState.InRollout),
            list.Count(s => s == DeviceComplianceState.Overdue), list.Count(s => s == DeviceComplianceState.Failed),
            list.Count(s => s == DeviceComplianceState.Unknown));
    }

    public static ComplianceCounts operator +(ComplianceCounts a, ComplianceCounts b) =>
        new(a.Compliant + b.Compliant, a.InRollout + b.InRollout, a.Overdue + b.Overdue, a.Failed + b.Failed, a.Unknown + b.Unknown);
}

public sealed record StoreCompliance(Guid? StoreId, string StoreName, ComplianceCounts Counts);

/// <summary>One merchant's devices under its active policies; devices no policy targets are counted apart.</summary>
public sealed record MerchantCompliance(Guid MerchantId, string MerchantName, ComplianceCounts Counts, int DevicesWithoutPolicy, IReadOnlyList<StoreCompliance> Stores);

/// <summary>
/// Days from a release's date to its successful installation on each device (first success per device and release),
/// the evidence PCI DSS 6.3.3 asks for: critical releases installed within one month.
/// </summary>
public sealed record PatchLatency(Guid MerchantId, string MerchantName, int Installs, double? MedianDays, double? MaxDays, int CriticalInstalls, int CriticalWithinDeadline)
{
    public decimal? CriticalOnTimePercent => CriticalInstalls == 0 ? null : Math.Round(100m * CriticalWithinDeadline / CriticalInstalls, 1);
}

public sealed record ComplianceOverview(
    IReadOnlyList<MerchantCompliance> Merchants, IReadOnlyList<RolloutProgress> Rollouts, IReadOnlyList<PatchLatency> Latency)
{
    public ComplianceCounts Total => Merchants.Aggregate(ComplianceCounts.None, (sum, m) => sum + m.Counts);

    public int DevicesWithoutPolicy => Merchants.Sum(m => m.DevicesWithoutPolicy);
}
