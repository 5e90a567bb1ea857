namespace AdminPortal.Features.Accounts.SignIn;

/// <summary>Lockout arithmetic (PCI DSS 8.3.4): after the maximum of consecutive failures, locked for the duration.</summary>
public static class Lockout
{
    public static bool IsLocked(DateTimeOffset? lockedUntil, DateTimeOffset now) => lockedUntil is { } until && until > now;

    /// <summary>The counter and lock after one more failure: reaching the maximum locks and starts the count again.</summary>
    public static (int Failures, DateTimeOffset? LockedUntil) AfterFailure(int failuresBefore, DateTimeOffset now, int maxFailures, TimeSpan duration) =>
        failuresBefore + 1 >= maxFailures ? (0, now + duration) : (failuresBefore + 1, null);
}
