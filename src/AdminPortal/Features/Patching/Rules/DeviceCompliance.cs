namespace AdminPortal.Features.Patching;

[System.Text.Json.Serialization.JsonConverter(typeof(CamelCaseEnumConverter<DeviceComplianceState>))]
public enum DeviceComplianceState
{
    /// <summary>Runs at least every required version.</summary>
    Compliant = 1,

    /// <summary>Below a required version, before the deadline, no failed install.</summary>
    InRollout = 2,

    /// <summary>Below a required version after the deadline (late for PCI DSS 6.3.3, grace or not).</summary>
    Overdue = 3,

    /// <summary>Its latest install of a required component failed.</summary>
    Failed = 4,

    /// <summary>Has not reported the version of a required component (never checked in, or an old agent).</summary>
    Unknown = 5,
}

/// <summary>The latest install outcome a device reported for one component.</summary>
public sealed record LatestInstall(PatchComponent Component, string Version, bool Succeeded, DateTimeOffset At);

public static class DeviceComplianceRules
{
    /// <summary>
    /// One device against one policy. Order matters: reported versions win over install reports (a device that failed
    /// once and then succeeded reports the new version); overdue wins over failed because the deadline is what the
    /// assessor asks about.
    /// </summary>
    public static DeviceComplianceState Evaluate(PolicyDefinition policy, DeviceSnapshot device, IReadOnlyCollection<LatestInstall> latestInstalls, DateTimeOffset now)
    {
        var missing = policy.Requirements.Where(r => !PatchVersion.Satisfies(device.VersionOf(r.Component), r.MinimumVersion)).ToList();
        if (missing.Count == 0)
        {
            return DeviceComplianceState.Compliant;
        }

        if (missing.Any(r => string.IsNullOrWhiteSpace(device.VersionOf(r.Component))))
        {
            return DeviceComplianceState.Unknown;
        }

        if (now >= policy.Deadline)
        {
            return DeviceComplianceState.Overdue;
        }

        var failed = missing.Any(r => latestInstalls.Any(i => i.Component == r.Component && !i.Succeeded));
        return failed ? DeviceComplianceState.Failed : DeviceComplianceState.InRollout;
    }

    public static string Label(this DeviceComplianceState state) => state switch
    {
        DeviceComplianceState.InRollout => "In rollout",
        _ => state.ToString(),
    };
}
