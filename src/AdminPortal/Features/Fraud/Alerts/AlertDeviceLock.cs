using System.Security.Claims;
using AdminPortal.Features.Accounts.StepUp;
using AdminPortal.Features.Audit;
using AdminPortal.Features.Devices;
using AdminPortal.Features.Devices.Commands;
using AdminPortal.Features.Merchants.Access;

namespace AdminPortal.Features.Fraud;

public enum AlertLockOutcome
{
    Queued,
    NotFound,
    Forbidden,
    ReasonRequired,
    DeviceCannotBeLocked,
}

/// <summary>
/// "Lock the device" from an alert: the same lock command the device page sends (Devices' command service, which
/// audits the command), behind step-up, with the analyst's reason recorded against the alert in the audit log.
/// </summary>
public sealed class AlertDeviceLock(AlertQueue queue, DeviceCommandService commands, IStepUp stepUp, IAuditLog audit)
{
    /// <exception cref="StepUpRequiredException">The person's last key assertion is not recent enough.</exception>
    public async Task<AlertLockOutcome> LockAsync(AccessScope scope, ClaimsPrincipal user, Analyst analyst, Guid alertId, string? reason, CancellationToken ct = default)
    {
        var alert = await queue.FindAsync(scope, alertId, ct);
        if (alert is null)
        {
            return AlertLockOutcome.NotFound;
        }

        if (!queue.CanDecide(scope, alert.MerchantId))
        {
            return AlertLockOutcome.Forbidden;
        }

        reason = reason?.Trim();
        if (string.IsNullOrEmpty(reason) || reason.Length > AlertQueue.MaxReasonLength)
        {
            return AlertLockOutcome.ReasonRequired;
        }

        await stepUp.EnsureFreshAsync(user, ct);
        try
        {
            await commands.IssueAsync(scope, new DeviceActor(analyst.Id, analyst.Name, User: user), alert.DeviceId, DeviceCommandType.Lock, ct);
        }
        catch (DeviceActionDeniedException)
        {
            return AlertLockOutcome.DeviceCannotBeLocked;
        }
        catch (DeviceNotFoundException)
        {
            return AlertLockOutcome.NotFound;
        }

        await audit.RecordAsync(new AuditEvent
        {
            Category = "fraud",
            Action = "alert.device-locked",
            Summary = $"{analyst.Name} locked the terminal of fraud alert {alert.Reference}: {reason}",
            ActorId = analyst.Id,
            ActorName = analyst.Name,
            MerchantId = alert.MerchantId,
            TargetType = "fraud-alert",
            TargetId = alert.Id.ToString(),
        }, ct);
        return AlertLockOutcome.Queued;
    }
}
