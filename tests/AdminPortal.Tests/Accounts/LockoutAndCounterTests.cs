using AdminPortal.Features.Accounts;
using AdminPortal.Features.Accounts.SignIn;
using AdminPortal.Features.Accounts.WebAuthn;

namespace AdminPortal.Tests.Accounts;

public sealed class LockoutAndCounterTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_tenth_consecutive_failure_locks_for_the_duration_and_restarts_the_count()
    {
        Assert.Equal((9, null), Lockout.AfterFailure(8, Now, 10, TimeSpan.FromMinutes(30)));
        Assert.Equal((0, Now.AddMinutes(30)), Lockout.AfterFailure(9, Now, 10, TimeSpan.FromMinutes(30)));
    }

    [Fact]
    public void A_lock_holds_until_its_end()
    {
        Assert.True(Lockout.IsLocked(Now.AddSeconds(1), Now));
        Assert.False(Lockout.IsLocked(Now, Now));
        Assert.False(Lockout.IsLocked(null, Now));
    }

    [Fact]
    public void Settings_looser_than_pci_dss_are_clamped()
    {
        var loose = new AccountsOptions
        {
            MaxFailedAttempts = 50,
            LockoutDuration = TimeSpan.FromMinutes(5),
            IdleTimeout = TimeSpan.FromHours(1),
            AbsoluteLifetime = TimeSpan.FromDays(2),
            StepUpWindow = TimeSpan.FromHours(1),
        };

        Assert.Equal(10, loose.EffectiveMaxFailedAttempts);
        Assert.Equal(TimeSpan.FromMinutes(30), loose.EffectiveLockoutDuration);
        Assert.Equal(TimeSpan.FromMinutes(15), loose.EffectiveIdleTimeout);
        Assert.Equal(TimeSpan.FromHours(12), loose.EffectiveAbsoluteLifetime);
        Assert.Equal(TimeSpan.FromMinutes(5), loose.EffectiveStepUpWindow);
    }

    [Fact]
    public void Stricter_settings_are_kept()
    {
        var strict = new AccountsOptions { MaxFailedAttempts = 3, LockoutDuration = TimeSpan.FromHours(2), IdleTimeout = TimeSpan.FromSeconds(5) };

        Assert.Equal(3, strict.EffectiveMaxFailedAttempts);
        Assert.Equal(TimeSpan.FromHours(2), strict.EffectiveLockoutDuration);
        Assert.Equal(TimeSpan.FromSeconds(5), strict.EffectiveIdleTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(500), strict.SessionCheckInterval);
    }

    [Theory]
    [InlineData(0u, 0u, false)]  // authenticators that never count (synced passkeys)
    [InlineData(0u, 1u, false)]
    [InlineData(5u, 6u, false)]
    [InlineData(5u, 5u, true)]   // a replayed or cloned counter
    [InlineData(5u, 2u, true)]
    [InlineData(5u, 0u, true)]   // a counting key that suddenly reports zero
    public void A_counter_that_does_not_move_forward_is_a_regression(uint stored, uint presented, bool regression)
    {
        Assert.Equal(regression, SignatureCounter.IsRegression(stored, presented));
    }

    [Fact]
    public void The_counter_is_read_big_endian_after_the_rp_hash_and_flags()
    {
        var data = new byte[37];
        data[33] = 0x01;
        data[36] = 0x02;
        Assert.Equal(0x01000002u, SignatureCounter.Read(data));
    }

    [Theory]
    [InlineData("/merchants?x=1", true)]
    [InlineData("//evil.example", false)]
    [InlineData("/\\evil.example", false)]
    [InlineData("https://evil.example/", false)]
    [InlineData("", false)]
    public void Only_local_return_urls_are_followed(string url, bool local)
    {
        Assert.Equal(local, Features.Accounts.Sessions.SignInPaths.IsLocal(url));
    }
}
