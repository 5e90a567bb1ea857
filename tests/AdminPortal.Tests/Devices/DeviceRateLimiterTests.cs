using AdminPortal.Features.Devices;
using AdminPortal.Features.Devices.Api;
using Microsoft.Extensions.Options;

namespace AdminPortal.Tests.Devices;

public sealed class DeviceRateLimiterTests
{
    [Fact]
    public void A_device_gets_a_minutes_allowance_as_burst_then_is_told_when_to_retry_and_other_devices_are_unaffected()
    {
        var limiter = new DeviceRateLimiter(Options.Create(new DeviceOptions { RequestsPerMinutePerDevice = 3, EnrollmentsPerMinutePerAddress = 2 }));
        var chatty = Guid.NewGuid();

        var burst = Enumerable.Range(0, 3).Select(attempt => limiter.TryAcquire(chatty, out _)).ToList();
        var refused = limiter.TryAcquire(chatty, out var retryAfter);
        var other = limiter.TryAcquire(Guid.NewGuid(), out _);

        Assert.All(burst, Assert.True);
        Assert.False(refused);
        // One token every 20 s at three a minute: the wait is at most that, and more than nothing.
        Assert.InRange(retryAfter, TimeSpan.FromTicks(1), TimeSpan.FromSeconds(20));
        Assert.True(other);
    }

    [Fact]
    public void Enrollment_attempts_are_limited_per_address_apart_from_device_requests()
    {
        var limiter = new DeviceRateLimiter(Options.Create(new DeviceOptions { RequestsPerMinutePerDevice = 1, EnrollmentsPerMinutePerAddress = 2 }));

        var fromOneAddress = Enumerable.Range(0, 3).Select(attempt => limiter.TryAcquireEnrollment("192.0.2.7", out _)).ToList();
        var fromAnother = limiter.TryAcquireEnrollment("192.0.2.8", out _);
        var unknownAddress = limiter.TryAcquireEnrollment(null, out _);

        Assert.Equal([true, true, false], fromOneAddress);
        Assert.True(fromAnother);
        Assert.True(unknownAddress);
        Assert.True(limiter.TryAcquire(Guid.NewGuid(), out _));
    }
}
