using AdminPortal.Features.Devices;
using AdminPortal.Features.Fraud;
using AdminPortal.Features.Merchants.Access;

namespace AdminPortal.Features.Incidents;

/// <summary>A device or fraud alert an incident may link: whose it is and how the timeline names it.</summary>
public sealed record LinkTarget(IncidentLinkKind Kind, Guid TargetId, Guid MerchantId, string Label);

/// <summary>Looks up link targets through the Devices and Fraud slices' own scoped C# APIs (never their SQL).</summary>
public sealed class LinkTargets(DeviceDirectory devices, AlertQueue alerts)
{
    /// <summary>Null when the target does not exist or lies outside the scope.</summary>
    public async Task<LinkTarget?> ResolveAsync(AccessScope scope, IncidentLinkKind kind, Guid targetId, CancellationToken ct = default)
    {
        switch (kind)
        {
            case IncidentLinkKind.Device:
                return await devices.GetAsync(scope, targetId, ct) is { } device
                    ? new LinkTarget(kind, device.Id, device.MerchantId, DeviceLabel(device.SerialNumber))
                    : null;
            case IncidentLinkKind.FraudAlert:
                return await alerts.FindAsync(scope, targetId, ct) is { } alert
                    ? new LinkTarget(kind, alert.Id, alert.MerchantId, AlertLabel(alert))
                    : null;
            default:
                return null;
        }
    }

    public static string DeviceLabel(string serialNumber) => $"terminal {serialNumber}";

    public static string AlertLabel(FraudAlert alert) => $"fraud alert {alert.Reference}";
}
