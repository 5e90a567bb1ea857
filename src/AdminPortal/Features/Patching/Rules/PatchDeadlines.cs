namespace AdminPortal.Features.Patching;

public enum DeadlineStage
{
    BeforeDeadline = 1,

    /// <summary>Past the deadline (so not compliant with it) but enforcement waits for the grace period.</summary>
    InGrace = 2,

    /// <summary>Past deadline and grace: the overdue action applies.</summary>
    Overdue = 3,
}

/// <summary>
/// Deadlines. PCI DSS v4.0.1 requirement 6.3.3 asks that patches for critical vulnerabilities are installed within one
/// month of release: critical releases default to 30 days from their release date. For the others the standard lets the
/// entity decide; the defaults below are the portal's suggestion and every policy may set its own.
/// The grace period only delays enforcement: a device past the deadline is reported late for 6.3.3 all the same.
/// </summary>
public static class PatchDeadlines
{
    public const int CriticalDays = 30;

    public static int DefaultDays(ReleaseSeverity severity) => severity switch
    {
        ReleaseSeverity.Critical => CriticalDays,
        ReleaseSeverity.High => 60,
        ReleaseSeverity.Medium => 90,
        _ => 180,
    };

    public static DateTimeOffset DefaultDeadline(ReleaseSeverity severity, DateTimeOffset releasedAt) =>
        releasedAt.AddDays(DefaultDays(severity));

    /// <summary>The default for a policy requiring several releases: the earliest of their defaults.</summary>
    public static DateTimeOffset? DefaultDeadline(IEnumerable<(ReleaseSeverity Severity, DateTimeOffset ReleasedAt)> releases) =>
        releases.Select(r => (DateTimeOffset?)DefaultDeadline(r.Severity, r.ReleasedAt)).Min();

    public static DateTimeOffset GraceEndsAt(DateTimeOffset deadline, int graceDays) => deadline.AddDays(Math.Max(0, graceDays));

    public static DeadlineStage StageAt(DateTimeOffset deadline, int graceDays, DateTimeOffset now) =>
        now < deadline ? DeadlineStage.BeforeDeadline
        : now < GraceEndsAt(deadline, graceDays) ? DeadlineStage.InGrace
        : DeadlineStage.Overdue;

    /// <summary>Days from release to installation, the PCI DSS 6.3.3 evidence figure (never negative).</summary>
    public static double LatencyDays(DateTimeOffset releasedAt, DateTimeOffset installedAt) =>
        Math.Max(0, (installedAt - releasedAt).TotalDays);
}
