namespace AdminPortal.Features.Fraud.Ingestion;

/// <summary>The terminal calling the device API, as its credential proves: the merchant and store come from enrolment, never from the body.</summary>
public sealed record CallingDevice(Guid DeviceId, Guid MerchantId, Guid? StoreId);

/// <summary>
/// Who is calling <c>POST /api/v1/transactions</c>. The Devices area authenticates terminals (bearer secret); the
/// integrator binds this to it. Null means "not an authenticated device" and the request gets 401.
/// </summary>
public interface ICallingDeviceResolver
{
    ValueTask<CallingDevice?> ResolveAsync(HttpContext context, CancellationToken cancellationToken);
}

/// <summary>The terminal's own device credential (Devices' bearer secret): retired, wiped and unknown devices get null.</summary>
internal sealed class DeviceCredentialResolver(AdminPortal.Features.Devices.DeviceCredentials credentials) : ICallingDeviceResolver
{
    public async ValueTask<CallingDevice?> ResolveAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return null;
        }

        var device = await credentials.AuthenticateAsync(header["Bearer ".Length..].Trim(), cancellationToken);
        return device is null ? null : new CallingDevice(device.DeviceId, device.MerchantId, device.StoreId);
    }
}
