using System.Collections.Concurrent;
using System.Diagnostics;
using AdminPortal.Infrastructure.Http;
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

/// <summary>
/// Token buckets per device (and per address for enrollment); in-process, like the rest of the request path. A bucket
/// holds a full minute's allowance as burst and refills evenly (perMinute tokens per 60 s). Refilling is computed when a
/// bucket is used, not by a timer: System.Threading.RateLimiting's partitioned limiter replenished every bucket ten
/// times a second, which with 20,000 terminals cost more CPU than authenticating them. A bucket that has refilled
/// completely is the same as no bucket, so idle ones are dropped from time to time and memory follows the active fleet.
/// </summary>
public sealed class DeviceRateLimiter
{
    private static readonly long SweepEvery = Stopwatch.Frequency * 30;

    private readonly Buckets<Guid> _devices;
    private readonly Buckets<string> _enrollments;

    public DeviceRateLimiter(IOptions<DeviceOptions> options)
    {
        _devices = new Buckets<Guid>(Math.Max(1, options.Value.RequestsPerMinutePerDevice), EqualityComparer<Guid>.Default);
        _enrollments = new Buckets<string>(Math.Max(1, options.Value.EnrollmentsPerMinutePerAddress), StringComparer.Ordinal);
    }

    public bool TryAcquire(Guid deviceId, out TimeSpan retryAfter) => _devices.TryTake(deviceId, Stopwatch.GetTimestamp(), out retryAfter);

    public bool TryAcquireEnrollment(string? address, out TimeSpan retryAfter) =>
        _enrollments.TryTake(address ?? "unknown", Stopwatch.GetTimestamp(), out retryAfter);

    private sealed class Buckets<TKey>(int perMinute, IEqualityComparer<TKey> comparer) where TKey : notnull
    {
        private readonly ConcurrentDictionary<TKey, Bucket> _buckets = new(comparer);
        private readonly double _tokensPerTick = perMinute / (60.0 * Stopwatch.Frequency);
        private long _lastSweep = Stopwatch.GetTimestamp();

        public bool TryTake(TKey key, long now, out TimeSpan retryAfter)
        {
            SweepIfDue(now);
            while (true)
            {
                var bucket = _buckets.GetOrAdd(key, static (_, state) => new Bucket(state.Limit, state.Now), (Limit: (double)perMinute, Now: now));
                lock (bucket)
                {
                    if (bucket.Dropped)
                    {
                        // Swept away between the lookup and the lock (it was full): take from its successor.
                        continue;
                    }

                    bucket.Refill(now, _tokensPerTick, perMinute);
                    if (bucket.Tokens >= 1)
                    {
                        bucket.Tokens -= 1;
                        retryAfter = TimeSpan.Zero;
                        return true;
                    }

                    retryAfter = TimeSpan.FromSeconds((1 - bucket.Tokens) * 60.0 / perMinute);
                    return false;
                }
            }
        }

        private void SweepIfDue(long now)
        {
            var last = Interlocked.Read(ref _lastSweep);
            if (now - last < SweepEvery || Interlocked.CompareExchange(ref _lastSweep, now, last) != last)
            {
                return;
            }

            foreach (var (key, bucket) in _buckets)
            {
                lock (bucket)
                {
                    bucket.Refill(now, _tokensPerTick, perMinute);
                    if (bucket.Tokens >= perMinute)
                    {
                        bucket.Dropped = true;
                        _buckets.TryRemove(new KeyValuePair<TKey, Bucket>(key, bucket));
                    }
                }
            }
        }
    }

    private sealed class Bucket(double tokens, long stamp)
    {
        public double Tokens = tokens;
        public long Stamp = stamp;
        public bool Dropped;

        public void Refill(long now, double tokensPerTick, int limit)
        {
            if (now > Stamp)
            {
                Tokens = Math.Min(limit, Tokens + (now - Stamp) * tokensPerTick);
                Stamp = now;
            }
        }
    }
}

public static class DeviceEndpointExtensions
{
    /// <summary>
    /// Requires a device bearer credential on an endpoint (any slice's, e.g. Fraud's transaction events) and exempts it
    /// from the portal's sign-in: a machine endpoint, which skips the browser's part of the pipeline
    /// (<see cref="MachineEndpoints"/>). The handler reads the device with <see cref="GetDevice"/>.
    /// </summary>
    public static TBuilder RequireDevice<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.AllowAnonymous();
        builder.WithMetadata(new DeviceAuthenticationMetadata(), new MachineEndpointMetadata());
        builder.AddEndpointFilter<TBuilder, DeviceAuthenticationFilter>();
        return builder;
    }

    /// <summary>The authenticated terminal of a request that passed <see cref="RequireDevice"/>.</summary>
    public static DeviceIdentity GetDevice(this HttpContext http) =>
        http.Items[typeof(DeviceIdentity)] as DeviceIdentity
        ?? throw new InvalidOperationException("No authenticated device: the endpoint lacks RequireDevice().");
}
