using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace AdminPortal.Features.Devices.Api;

/// <summary>Marks an endpoint as authenticated by the device bearer secret (read by the OpenAPI description).</summary>
public sealed class DeviceAuthenticationMetadata;

/// <summary>
/// Authenticates a terminal by <c>Authorization: Bearer &lt;deviceSecret&gt;</c> (401 otherwise) and applies the
/// per-device rate limit (429). Independent of the portal's cookie sign-in: device endpoints are anonymous to it.
/// </summary>
public sealed class DeviceAuthenticationFilter(DeviceCredentials credentials, DeviceRateLimiter limiter) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var header = http.Request.Headers.Authorization.ToString();
        var device = header.StartsWith("Bearer ", StringComparison.Ordinal)
            ? await credentials.AuthenticateAsync(header["Bearer ".Length..].Trim(), http.RequestAborted)
            : null;
        if (device is null)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return DeviceRequestReader.Problem(StatusCodes.Status401Unauthorized, "A valid device credential is required.",
                "Send 'Authorization: Bearer <deviceSecret>' of an enrolled device that is not retired or wiped.");
        }

        if (!limiter.TryAcquire(device.DeviceId, out var retryAfter))
        {
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return DeviceRequestReader.Problem(StatusCodes.Status429TooManyRequests, "Too many requests from this device.");
        }

        http.Items[typeof(DeviceIdentity)] = device;
        return await next(context);
    }
}

/// <summary>Token buckets per device (and per address for enrollment); in-process, like the rest of the request path.</summary>
public sealed class DeviceRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public DeviceRateLimiter(IOptions<DeviceOptions> options)
    {
        var perDevice = Math.Max(1, options.Value.RequestsPerMinutePerDevice);
        var perAddress = Math.Max(1, options.Value.EnrollmentsPerMinutePerAddress);
        _limiter = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, k => Bucket(
            k.StartsWith("device:", StringComparison.Ordinal) ? perDevice : perAddress)));
    }

    public bool TryAcquire(Guid deviceId, out TimeSpan retryAfter) => TryAcquire("device:" + deviceId, out retryAfter);

    public bool TryAcquireEnrollment(string? address, out TimeSpan retryAfter) => TryAcquire("enroll:" + (address ?? "unknown"), out retryAfter);

    public void Dispose() => _limiter.Dispose();

    private bool TryAcquire(string key, out TimeSpan retryAfter)
    {
        using var lease = _limiter.AttemptAcquire(key);
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
        return lease.IsAcquired;
    }

    // A full minute's allowance as burst, refilled evenly (one token per 60/perMinute seconds).
    private static TokenBucketRateLimiterOptions Bucket(int perMinute) => new()
    {
        TokenLimit = perMinute,
        TokensPerPeriod = 1,
        ReplenishmentPeriod = TimeSpan.FromSeconds(60.0 / perMinute),
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}

public static class DeviceEndpointExtensions
{
    /// <summary>
    /// Requires a device bearer credential on an endpoint (any slice's, e.g. Fraud's transaction events) and exempts it
    /// from the portal's sign-in. The handler reads the device with <see cref="GetDevice"/>.
    /// </summary>
    public static TBuilder RequireDevice<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.AllowAnonymous();
        builder.WithMetadata(new DeviceAuthenticationMetadata());
        builder.AddEndpointFilter<TBuilder, DeviceAuthenticationFilter>();
        return builder;
    }

    /// <summary>The authenticated terminal of a request that passed <see cref="RequireDevice"/>.</summary>
    public static DeviceIdentity GetDevice(this HttpContext http) =>
        http.Items[typeof(DeviceIdentity)] as DeviceIdentity
        ?? throw new InvalidOperationException("No authenticated device: the endpoint lacks RequireDevice().");
}
