using AdminPortal.Features.Audit;
using AdminPortal.Features.Compliance.Catalogue;

namespace AdminPortal.Features.Compliance.Evidence;

/// <summary>
/// Evidence for 10.2 and 10.3 from the portal's own hash-chained audit log. It speaks only for the portal: the
/// merchant's other systems need their own logs, and the explanation says so.
/// </summary>
internal sealed class AuditLogEvidenceSource(IAuditLog audit, TimeProvider clock) : IComplianceEvidenceSource
{
    public string Name => "Audit log";

    public async Task<IReadOnlyList<EvidenceFinding>> CollectAsync(Guid merchantId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var since = now.AddDays(-90);
        var recent = await audit.SearchAsync(new AuditQuery { MerchantIds = [merchantId], From = since, Take = 1 }, cancellationToken);
        var denied = await audit.SearchAsync(new AuditQuery { MerchantIds = [merchantId], From = since, Text = "denied", Take = 1 }, cancellationToken);
        var verification = await audit.VerifyAsync(cancellationToken);
        var source = "Portal audit log";

        var coverage = recent.Total > 0
            ? new EvidenceFinding("10.2.1", SaqResponse.InPlace,
                $"The portal logged {recent.Total} security-relevant events for this merchant in the last 90 days (sign-ins, device actions, " +
                "SAQ changes). This covers the portal only; confirm logging on the merchant's other in-scope systems.", source, now)
            : new EvidenceFinding("10.2.1", SaqResponse.NotInPlace,
                "The portal holds no audit events for this merchant in the last 90 days: confirm that activity is being logged.", source, now);

        var fields = new EvidenceFinding("10.2.2", SaqResponse.InPlace,
            "Every portal audit entry records the person, the action, the time (UTC), the outcome, the affected item and the origin address.",
            source, now);

        var integrity = verification.Intact
            ? new EvidenceFinding("10.3.2", SaqResponse.InPlace,
                $"The audit log is hash-chained; verification of all {verification.RowsChecked} entries found no changed or removed entry.", source, now)
            : new EvidenceFinding("10.3.2", SaqResponse.NotInPlace,
                $"Audit log verification failed: {verification.Problem} Investigate before answering.", source, now);

        var tamperDetection = new EvidenceFinding("10.3.4", verification.Intact ? SaqResponse.InPlace : SaqResponse.NotInPlace,
            verification.Intact
                ? "Changes to portal audit entries are detected by the hash chain, which was verified intact just now."
                : "The hash chain detected a change to the portal audit log; see 10.3.2.", source, now);

        var failures = new EvidenceFinding("10.2.1.4", SaqResponse.InPlace,
            $"Refused and failed actions are logged with their outcome; {denied.Total} such events mention a denial in the last 90 days.", source, now);

        return [coverage, failures, fields, integrity, tamperDetection];
    }
}
