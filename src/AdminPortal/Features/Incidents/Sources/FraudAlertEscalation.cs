using AdminPortal.Features.Fraud;
using AdminPortal.Features.Merchants.Access;

namespace AdminPortal.Features.Incidents.Sources;

/// <summary>
/// "Escalate to incident" on a fraud alert: opens a fraud incident linked to the alert and its terminal. An alert is
/// escalated once: escalating it again answers the incident it already has.
/// </summary>
public sealed class FraudAlertEscalation(IncidentStore incidents, AlertQueue alerts, Devices.DeviceDirectory devices)
{
    public static string SourceKey(Guid alertId) => $"fraud-alert:{alertId:D}";

    public async Task<(IncidentResult Result, Guid? IncidentId)> EscalateAsync(AccessScope scope, IncidentActor actor, Guid alertId, IncidentSeverity severity,
        CancellationToken ct = default)
    {
        if (await alerts.FindAsync(scope, alertId, ct) is not { } alert)
        {
            return (IncidentResult.NotFound, null);
        }

        if (!CanEscalate(scope, alert))
        {
            return (IncidentResult.Forbidden("Only the merchant's owners, its support agents and platform admins escalate alerts."), null);
        }

        if (!Enum.IsDefined(severity))
        {
            return (IncidentResult.Invalid("Choose a severity."), null);
        }

        var links = new List<(IncidentLinkKind, Guid, string)> { (IncidentLinkKind.FraudAlert, alert.Id, LinkTargets.AlertLabel(alert)) };
        if (await devices.GetAsync(scope, alert.DeviceId, ct) is { } device)
        {
            links.Add((IncidentLinkKind.Device, device.Id, LinkTargets.DeviceLabel(device.SerialNumber)));
        }

        var (incidentId, _) = await incidents.OpenAutomaticallyAsync(new AutomaticIncident(
            alert.MerchantId,
            IncidentSource.FraudAlert,
            SourceKey(alert.Id),
            $"Fraud alert {alert.Reference}: {alert.Summary}",
            IncidentType.Fraud,
            severity,
            $"Escalated from fraud alert {alert.Reference} (score {alert.Score}, {alert.HitCount} rule hits, card •••• {alert.Last4}, " +
            $"events {alert.FirstEventAt:yyyy-MM-dd HH:mm}–{alert.LastEventAt:HH:mm} UTC). {alert.Summary}.",
            links), actor, ct);
        return (IncidentResult.Done, incidentId);
    }

    public static bool CanEscalate(AccessScope scope, FraudAlert alert) => IncidentWorkflow.CanParticipate(scope, alert.MerchantId);

    /// <summary>The incident an alert was escalated into, if any.</summary>
    public async Task<Incident?> IncidentOfAsync(AccessScope scope, FraudAlert alert, CancellationToken ct = default) =>
        (await incidents.LinkedToAsync(scope, alert.MerchantId, IncidentLinkKind.FraudAlert, alert.Id, ct)).FirstOrDefault();
}
