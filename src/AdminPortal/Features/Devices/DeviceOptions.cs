namespace AdminPortal.Features.Devices;

/// <summary>The <c>Devices</c> configuration section.</summary>
public sealed class DeviceOptions
{
    public const string SectionName = "Devices";

    /// <summary>How often a terminal should check in; three missed intervals mean offline.</summary>
    public int CheckInIntervalSeconds { get; set; } = 300;

    public int MissedCheckInsBeforeOffline { get; set; } = 3;

    /// <summary>Lifetime of an enrollment code unless the creator says otherwise.</summary>
    public int EnrollmentCodeHours { get; set; } = 24;

    /// <summary>A queued command not acknowledged by then is expired.</summary>
    public int CommandLifetimeHours { get; set; } = 72;

    /// <summary>A device reporting a position farther than this from its store (beyond its accuracy) raises an alert.</summary>
    public double FarFromStoreMeters { get; set; } = 5000;

    /// <summary>Largest accepted device API request body; larger ones get 413.</summary>
    public int MaxRequestBytes { get; set; } = 16 * 1024;

    /// <summary>Requests one terminal may make per minute (burst included); more get 429.</summary>
    public int RequestsPerMinutePerDevice { get; set; } = 60;

    /// <summary>Enrollment attempts per minute from one network address (codes are guessable only by brute force).</summary>
    public int EnrollmentsPerMinutePerAddress { get; set; } = 30;

    /// <summary>How often the background monitor looks for offline devices and expired commands.</summary>
    public int MonitorIntervalSeconds { get; set; } = 30;

    /// <summary>Most check-ins written in one transaction (group commit).</summary>
    public int CheckInBatchSize { get; set; } = 256;

    /// <summary>
    /// Check-in writers on PostgreSQL, each with its own connection and share of the devices: one applies its batch while
    /// another's commit waits for the WAL flush (1–16). SQLite always has one. One by default: where the WAL flush is fast
    /// (~0.13 ms here) a second writer added no throughput, only smaller batches, whose fixed cost per batch raised the
    /// server's CPU per check-in at 5,000/s from ~90 to ~124 µs and the p99 from 32–35 to 42–53 ms (docs/BENCHMARKS.md,
    /// update 2026-12-04). More help where commits wait long for a slow disk.
    /// </summary>
    public int CheckInWritersOnPostgres { get; set; } = 1;

    /// <summary>
    /// How long a check-in's Idempotency-Key is remembered: a retry with the same key within this window is answered,
    /// not stored again. Longer than any terminal's retry horizon; afterwards the device may use the key again.
    /// </summary>
    public int IdempotencyKeyHours { get; set; } = 24;

    /// <summary>
    /// How long an authenticated device identity is kept in memory (0: never). Changes of status or credential are
    /// forgotten at once, in this instance by the code that commits them and in others by their live-update message;
    /// the lifetime only bounds what a lost message between instances could leave behind.
    /// </summary>
    public int IdentityCacheSeconds { get; set; } = 60;

    /// <summary>Most device identities kept in memory (about 300 bytes each); beyond that, lookups go to the database.</summary>
    public int IdentityCacheMaxEntries { get; set; } = 200_000;

    public TimeSpan OfflineAfter(int intervalSeconds) => TimeSpan.FromSeconds((double)intervalSeconds * MissedCheckInsBeforeOffline);
}
