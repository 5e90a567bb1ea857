using AdminPortal.Features.Compliance.Catalogue;
using AdminPortal.Features.Incidents;
using AdminPortal.Features.Merchants.Access;

namespace AdminPortal.Features.Compliance.Evidence;

/// <summary>
/// Evidence for 12.10.x from the merchant's incidents in the last 12 months (read through the Incidents C# API):
/// how incidents were handled, how fast (MTTA / MTTR, SLA breaches), whether monitoring alerts feed them and whether
/// closures recorded a root cause. The portal shows the plan at work; the written plan remains the merchant's.
/// </summary>
internal sealed class IncidentEvidenceSource(IncidentStore incidents, TimeProvider clock) : IComplianceEvidenceSource
{
    private const string Source = "Incidents: handling in the portal";
    private const int Months = 12;

    public string Name => "Incidents";

    public async Task<IReadOnlyList<EvidenceFinding>> CollectAsync(Guid merchantId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        // The caller has checked the person's scope for this merchant; the read is limited to it.
        var scope = new AccessScope(null, false, [new MerchantGrant(merchantId, MerchantRole.ComplianceOfficer)]);
        var rows = await incidents.OpenedSinceAsync(scope, merchantId, IncidentMetrics.Start(now, Months), cancellationToken);
        var report = IncidentMetrics.Compute(rows, now, Months);
        var closed = rows.Where(i => i.Status == IncidentStatus.Closed).ToList();
        var withRootCause = closed.Count(i => !string.IsNullOrWhiteSpace(i.RootCause));
        var automatic = rows.Count(i => i.Source != IncidentSource.Reported);
        string Span(TimeSpan? span) => span is { } value ? SlaClock.Format(value) : "n/a";

        var plan = report.Total == 0
            ? new EvidenceFinding("12.10.1", SaqResponse.NotTested,
                "No incident was opened for this merchant in the last 12 months, so the portal cannot show the plan at work. The portal's incident " +
                "workflow (NIST SP 800-61 phases, SLA per severity, escalation) is ready to use; confirm a written plan exists.", Source, now)
            : new EvidenceFinding("12.10.1", SaqResponse.InPlace,
                $"{report.Total} incidents were handled in the last 12 months through the NIST SP 800-61 workflow (new, triage, containment, " +
                $"eradication, recovery, closed), {report.Closed} of them closed; mean time to acknowledge {Span(report.Mtta)}, to resolve " +
                $"{Span(report.Mttr)}. Confirm the written plan names roles, communication and legal duties.", Source, now);

        var availability = report.AcknowledgeBreaches == 0
            ? new EvidenceFinding("12.10.3", report.Total == 0 ? SaqResponse.NotTested : SaqResponse.InPlace,
                report.Total == 0
                    ? "No incident tested the response times yet; SLA timers and escalation to platform admins are configured per severity."
                    : $"Every one of the {report.Total} incidents was acknowledged within its SLA (SEV1: minutes); breaches escalate to platform admins.",
                Source, now)
            : new EvidenceFinding("12.10.3", SaqResponse.NotInPlace,
                $"{report.AcknowledgeBreaches} of {report.Total} incidents were not acknowledged within their SLA: check that responders are " +
                "available around the clock.", Source, now);

        var monitoring = new EvidenceFinding("12.10.5", SaqResponse.InPlace,
            "Alerts of the portal's monitoring feed incident response: a terminal's tamper report and a cloned-key signal open incidents " +
            $"automatically, fraud alerts are escalated into incidents; {automatic} of the last 12 months' incidents came from them.", Source, now);

        var lessons = closed.Count == 0
            ? new EvidenceFinding("12.10.6", SaqResponse.NotTested,
                "No incident was closed in the last 12 months; every closure records a resolution summary and a root cause to learn from.", Source, now)
            : new EvidenceFinding("12.10.6", withRootCause == closed.Count ? SaqResponse.InPlace : SaqResponse.NotInPlace,
                $"{withRootCause} of {closed.Count} closed incidents record a root cause and resolution summary; confirm the plan was updated with them.",
                Source, now);

        return [plan, availability, monitoring, lessons];
    }
}
