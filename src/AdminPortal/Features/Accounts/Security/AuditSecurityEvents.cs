using AdminPortal.Features.Audit;

namespace AdminPortal.Features.Accounts.Security;

/// <summary>Accounts' security events go to the hash-chained audit log, category "authentication".</summary>
internal sealed class AuditSecurityEvents(IAuditLog audit, ILogger<AuditSecurityEvents> logger) : ISecurityEvents
{
    public const string Category = "authentication";

    public async Task RecordAsync(SecurityEvent securityEvent, ClientInfo client, CancellationToken ct = default)
    {
        logger.LogInformation("Security event {Action} ({Outcome}) for {PersonId} from {IpAddress}",
            securityEvent.Action, securityEvent.Succeeded ? "success" : "failure", securityEvent.PersonId, client.IpAddress);
        // An audit write must not be skipped because the person closed the tab mid-request.
        await audit.RecordAsync(new AuditEvent
        {
            Category = Category,
            Action = securityEvent.Action,
            Summary = securityEvent.Summary,
            Outcome = securityEvent.Succeeded ? AuditOutcome.Success : securityEvent.Denied ? AuditOutcome.Denied : AuditOutcome.Failure,
            ActorId = securityEvent.PersonId,
            ActorName = securityEvent.PersonName,
            TargetType = securityEvent.TargetType ?? (securityEvent.PersonId is null ? null : "person"),
            TargetId = securityEvent.TargetId ?? securityEvent.PersonId?.ToString("D"),
            IpAddress = client.IpAddress,
            UserAgent = client.UserAgent,
        }, CancellationToken.None);
    }
}
