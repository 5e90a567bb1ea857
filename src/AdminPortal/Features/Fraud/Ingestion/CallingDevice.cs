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

/// <summary>Until device authentication is bound, no caller is a device: the endpoint refuses everything with 401.</summary>
internal sealed class NoDeviceAuthentication : ICallingDeviceResolver
{
    public ValueTask<CallingDevice?> ResolveAsync(HttpContext context, CancellationToken cancellationToken) => ValueTask.FromResult<CallingDevice?>(null);
}
