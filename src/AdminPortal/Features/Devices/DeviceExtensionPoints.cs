using Microsoft.AspNetCore.Components;

namespace AdminPortal.Features.Devices;

/// <summary>
/// A panel of a higher slice (Patching, Fraud, Incidents) on the device page. The component receives the parameters
/// <c>[Parameter] public Guid DeviceId</c> and <c>[Parameter] public Guid MerchantId</c>; the device page has already
/// checked that the person may see that device.
/// </summary>
public sealed record DevicePanel(string Title, Type Component, int Order);

/// <summary>What a terminal reported at a check-in, as other slices learn of it.</summary>
public sealed record DeviceCheckInNotice(
    Guid MerchantId,
    Guid DeviceId,
    Guid StoreId,
    DateTimeOffset ReceivedAt,
    string OsVersion,
    string FirmwareVersion,
    string AppVersion,
    TamperState TamperState,
    bool? Rooted);

/// <summary>
/// Answers the <c>patchPolicy</c> of a check-in response. The Patching slice implements it; with none registered the
/// device API answers <c>"patchPolicy": null</c>, which the contract defines as "no policy applies".
/// The returned object is serialised as JSON (camelCase) as it is.
/// </summary>
public interface IDevicePolicyProvider
{
    Task<object?> GetEffectivePolicyAsync(DeviceCheckInNotice checkIn, CancellationToken cancellationToken);
}

/// <summary>
/// Learns of every committed check-in (versions, tamper state), after the terminal's answer is durable. Runs outside
/// the request's transaction; a failing observer is logged and does not fail the check-in. A check-in resent under an
/// Idempotency-Key the device already used is not announced again (it was not stored again). Keep it fast: it runs on
/// the check-in path.
/// </summary>
public interface IDeviceCheckInObserver
{
    Task OnCheckInAsync(DeviceCheckInNotice checkIn, CancellationToken cancellationToken);
}

/// <summary>An install attempt a terminal reported at check-in (component: os | firmware | paymentApp).</summary>
public sealed record DeviceInstallReport(Guid ReportId, string Component, string Version, bool Succeeded, DateTimeOffset OccurredAt, string? Detail);

/// <summary>
/// Receives the install reports of a check-in (the Patching slice records them). Called after the check-in committed
/// and before the terminal is answered, so a failure fails the request and the terminal sends the same reports again;
/// implementations must therefore be idempotent on <see cref="DeviceInstallReport.ReportId"/>. With none registered the
/// reports are accepted and dropped.
/// </summary>
public interface IDeviceInstallReportSink
{
    Task RecordAsync(DeviceCheckInNotice checkIn, IReadOnlyList<DeviceInstallReport> installs, CancellationToken cancellationToken);
}

/// <summary>Published on the merchant's live-update topic whenever a device changes in a way a page shows.</summary>
public sealed record DeviceChanged(Guid MerchantId, Guid DeviceId, DeviceChange Change);

public enum DeviceChange
{
    Enrolled,
    WentOffline,
    CameOnline,
    AlertRaised,
    AlertResolved,
    CommandChanged,
    StatusChanged,
}

public static class DeviceExtensionRegistration
{
    /// <summary>Shows <typeparamref name="TComponent"/> on every device page, ordered by <paramref name="order"/>.</summary>
    public static IServiceCollection AddDevicePanel<TComponent>(this IServiceCollection services, string title, int order)
        where TComponent : IComponent =>
        services.AddSingleton(new DevicePanel(title, typeof(TComponent), order));
}
