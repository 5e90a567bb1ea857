using AdminPortal.Features.Devices;
using AdminPortal.Features.Merchants.Access;

namespace AdminPortal.Features.Incidents.Sources;

/// <summary>
/// Opens a tampering incident when a terminal reports tampering at check-in. The Devices slice raises one tamper alert
/// when a terminal goes from "ok" to "tampered" (not at every check-in that still says so); the incident is keyed on that
/// alert, so an already-tampered terminal checking in again joins nothing new, and a terminal cleared and tampered
/// again opens a new incident.
/// </summary>
internal sealed class TamperIncidents(IncidentStore incidents, DeviceDirectory devices, ILogger<TamperIncidents> logger) : IDeviceCheckInObserver
{
    /// <summary>The portal itself reading one device's data for an event it was told of.</summary>
    private static readonly AccessScope Portal = new(null, true, [], IncidentActor.System.Name);

    public async Task OnCheckInAsync(DeviceCheckInNotice checkIn, CancellationToken cancellationToken)
    {
        if (checkIn.TamperState != TamperState.Tampered)
        {
            return;
        }

        var alert = (await devices.ListAlertsAsync(Portal, checkIn.MerchantId, checkIn.DeviceId, take: 20, cancellationToken))
            .Where(a => a.Kind == DeviceAlertKind.Tamper)
            .MaxBy(a => a.RaisedAt);
        if (alert is null || await devices.GetAsync(Portal, checkIn.DeviceId, cancellationToken) is not { } device)
        {
            return;
        }

        var label = LinkTargets.DeviceLabel(device.SerialNumber);
        var (incidentId, created) = await incidents.OpenAutomaticallyAsync(new AutomaticIncident(
            checkIn.MerchantId,
            IncidentSource.TamperReport,
            $"tamper:{alert.Id:D}",
            $"Tamper reported by {label}",
            IncidentType.Tampering,
            IncidentSeverity.Sev2,
            $"Terminal {device.SerialNumber} {alert.Detail} (check-in at {checkIn.ReceivedAt:yyyy-MM-dd HH:mm:ss} UTC). " +
            "A tampered terminal may skim cards: take it out of service, inspect it (PCI DSS 9.5.1.2) and lock it if it cannot be recovered.",
            [(IncidentLinkKind.Device, device.Id, label)],
            "Opened automatically from the terminal's tamper report. Later check-ins that still report tampering belong to this incident."),
            ct: cancellationToken);
        if (created)
        {
            logger.LogWarning("Opened incident {IncidentId} for the tamper report of device {DeviceId}", incidentId, device.Id);
        }
    }
}
