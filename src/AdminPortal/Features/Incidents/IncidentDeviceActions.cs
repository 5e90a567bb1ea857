using System.Security.Claims;
using AdminPortal.Features.Accounts.StepUp;
using AdminPortal.Features.Devices;
using AdminPortal.Features.Devices.Commands;
using AdminPortal.Features.Merchants.Access;

namespace AdminPortal.Features.Incidents;

/// <summary>
/// Lock or wipe a device linked to an incident, and report a lost or stolen one, through the Devices slice's own
/// command service (its scope and role checks, its audit). Each needs a fresh step-up, checked here on the server
/// whatever the page did; the incident's timeline records what was asked.
/// </summary>
public sealed class IncidentDeviceActions(IncidentStore incidents, DeviceCommandService commands, IStepUp stepUp)
{
    public async Task<IncidentResult> IssueAsync(ClaimsPrincipal user, AccessScope scope, IncidentActor actor, Guid incidentId, Guid deviceId,
        DeviceCommandType type, CancellationToken ct = default)
    {
        if (type is not (DeviceCommandType.Lock or DeviceCommandType.Wipe))
        {
            return IncidentResult.Invalid("From an incident a device can be locked or wiped.");
        }

        if (await LinkedDeviceAsync(scope, incidentId, deviceId, ct) is not { } link)
        {
            return IncidentResult.NotFound;
        }

        return await RunAsync(user, scope, actor, incidentId, $"{type.WireName()} requested for {link.Label}",
            () => commands.IssueAsync(scope, new DeviceActor(actor.PersonId, actor.Name, User: user), deviceId, type, ct), ct);
    }

    /// <summary>Marks a linked device lost or stolen and queues a lock (the report form offers it for lost/stolen incidents).</summary>
    public async Task<IncidentResult> ReportLostAsync(ClaimsPrincipal user, AccessScope scope, IncidentActor actor, Guid incidentId, Guid deviceId,
        CancellationToken ct = default)
    {
        if (await LinkedDeviceAsync(scope, incidentId, deviceId, ct) is not { } link)
        {
            return IncidentResult.NotFound;
        }

        return await RunAsync(user, scope, actor, incidentId, $"{link.Label} reported lost or stolen; lock requested",
            () => commands.ReportLostAsync(scope, new DeviceActor(actor.PersonId, actor.Name, User: user), deviceId, ct), ct);
    }

    private async Task<IncidentLink?> LinkedDeviceAsync(AccessScope scope, Guid incidentId, Guid deviceId, CancellationToken ct) =>
        (await incidents.LinksAsync(scope, incidentId, ct)).FirstOrDefault(l => l.Kind == IncidentLinkKind.Device && l.TargetId == deviceId);

    private async Task<IncidentResult> RunAsync(ClaimsPrincipal user, AccessScope scope, IncidentActor actor, Guid incidentId, string what,
        Func<Task> action, CancellationToken ct)
    {
        try
        {
            await stepUp.EnsureFreshAsync(user, ct);
            await action();
        }
        catch (StepUpRequiredException ex)
        {
            return IncidentResult.Forbidden(ex.Message);
        }
        catch (DeviceActionDeniedException ex)
        {
            return IncidentResult.Forbidden(ex.Message);
        }
        catch (DeviceNotFoundException)
        {
            return IncidentResult.NotFound;
        }

        return await incidents.RecordDeviceActionAsync(scope, actor, incidentId, what, ct);
    }
}
