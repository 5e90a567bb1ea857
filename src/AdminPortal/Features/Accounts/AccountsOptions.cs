namespace AdminPortal.Features.Accounts;

/// <summary>
/// The "Accounts" configuration section. Values looser than PCI DSS v4.0.1 allows are clamped, never honoured:
/// lockout after at most 10 failures (8.3.4) for at least 30 minutes, idle re-authentication after at most 15 minutes (8.2.8).
/// </summary>
public sealed class AccountsOptions
{
    public const string SectionName = "Accounts";

    public static readonly TimeSpan MaxIdleTimeout = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan MinLockoutDuration = TimeSpan.FromMinutes(30);
    public const int MaxFailedAttemptsLimit = 10;
    public static readonly TimeSpan MaxStepUpWindow = TimeSpan.FromMinutes(5);

    public TimeSpan IdleTimeout { get; set; } = MaxIdleTimeout;

    public TimeSpan AbsoluteLifetime { get; set; } = TimeSpan.FromHours(12);

    public int MaxFailedAttempts { get; set; } = MaxFailedAttemptsLimit;

    public TimeSpan LockoutDuration { get; set; } = MinLockoutDuration;

    public TimeSpan StepUpWindow { get; set; } = MaxStepUpWindow;

    /// <summary>Sign-in attempts (form posts and WebAuthn verifications) one IP address may make per minute.</summary>
    public int SignInPermitsPerMinute { get; set; } = 20;

    /// <summary>How long a pending WebAuthn ceremony (its challenge) stays usable.</summary>
    public TimeSpan CeremonyLifetime { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan EffectiveIdleTimeout => IdleTimeout <= TimeSpan.Zero || IdleTimeout > MaxIdleTimeout ? MaxIdleTimeout : IdleTimeout;

    public TimeSpan EffectiveAbsoluteLifetime => AbsoluteLifetime <= TimeSpan.Zero || AbsoluteLifetime > TimeSpan.FromHours(12) ? TimeSpan.FromHours(12) : AbsoluteLifetime;

    public int EffectiveMaxFailedAttempts => MaxFailedAttempts is >= 1 and <= MaxFailedAttemptsLimit ? MaxFailedAttempts : MaxFailedAttemptsLimit;

    public TimeSpan EffectiveLockoutDuration => LockoutDuration < MinLockoutDuration ? MinLockoutDuration : LockoutDuration;

    public TimeSpan EffectiveStepUpWindow => StepUpWindow <= TimeSpan.Zero || StepUpWindow > MaxStepUpWindow ? MaxStepUpWindow : StepUpWindow;

    /// <summary>How often an open page re-checks its session: often enough to end it soon after the idle limit.</summary>
    public TimeSpan SessionCheckInterval =>
        TimeSpan.FromTicks(Math.Clamp(EffectiveIdleTimeout.Ticks / 10, TimeSpan.FromMilliseconds(500).Ticks, TimeSpan.FromSeconds(30).Ticks));
}
