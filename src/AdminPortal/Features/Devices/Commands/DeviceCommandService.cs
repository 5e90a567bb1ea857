using System.Data.Common;
using AdminPortal.Features.Accounts;
using AdminPortal.Features.Accounts.StepUp;
using AdminPortal.Features.Audit;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Infrastructure.LiveUpdates;
using Dapper;
using Microsoft.Extensions.Options;

namespace AdminPortal.Features.Devices.Commands;

public enum AckResult
{
    Applied,
    AlreadyApplied,
    NotFound,
    Conflict,
}

/// <summary>
/// Remote commands: people issue them in the portal (scoped, audited), terminals receive them at check-in and
/// acknowledge them. An acknowledgement applies once; a retry of the same one is answered as applied.
/// </summary>
public sealed class DeviceCommandService(
    IDbConnectionFactory db, IAuditLog audit, ILiveUpdates live, TimeProvider clock, IOptions<DeviceOptions> options, IStepUp stepUp,
    DeviceCredentials credentials)
{
    private const string ReadDevice =
        "SELECT merchant_id AS MerchantId, id AS Id, serial_number AS SerialNumber, status AS Status FROM devices WHERE id = @deviceId";

    private const string FindOpenCommand =
        """
        SELECT id FROM device_commands
        WHERE merchant_id = @merchantId AND device_id = @deviceId AND type = @type AND status IN (0, 1) AND expires_at > @now
        """;

    private const string InsertCommand =
        """
        INSERT INTO device_commands (merchant_id, id, device_id, type, status, issued_by_id, issued_by_name, issued_at, expires_at)
        VALUES (@merchantId, @id, @deviceId, @type, 0, @issuedById, @issuedByName, @now, @expiresAt)
        """;

    private const string CompleteCommand =
        """
        UPDATE device_commands SET status = @status, completed_at = @now, result_detail = @detail
        WHERE merchant_id = @merchantId AND device_id = @deviceId AND id = @commandId AND status IN (0, 1)
        """;

    private const string ReadCommand =
        "SELECT type AS Type, status AS Status FROM device_commands WHERE merchant_id = @merchantId AND device_id = @deviceId AND id = @commandId";

    private const string SetStatus =
        "UPDATE devices SET status = @status, updated_at = @now WHERE merchant_id = @merchantId AND id = @deviceId";

    // A wiped or retired terminal's credential is gone for good: it must enroll again with a new code.
    private const string Decommission =
        "UPDATE devices SET status = @status, secret_hash = NULL, is_online = @notOnline, offline_after = NULL, updated_at = @now WHERE merchant_id = @merchantId AND id = @deviceId";

    /// <summary>
    /// Queues a command for the device. Returns the open command of the same type if there is one (a double click
    /// issues one command). A device outside the scope is "not found". Lock, wipe and retire need the acting person's
    /// fresh step-up, checked here whatever the caller checked (design: enforced on the server for the action itself).
    /// </summary>
    /// <exception cref="StepUpRequiredException">A person acts without a fresh key assertion.</exception>
    public async Task<Guid> IssueAsync(AccessScope scope, DeviceActor actor, Guid deviceId, DeviceCommandType type, CancellationToken ct = default)
    {
        if (NeedsStepUp(type))
        {
            await EnsureStepUpAsync(actor, ct);
        }

        var now = clock.GetUtcNow();
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var device = await ReadScopedAsync(connection, transaction, scope, deviceId, "send commands to devices", ct);
        if (device.Status is DeviceStatus.Pending or DeviceStatus.Retired or DeviceStatus.Wiped)
        {
            throw new DeviceActionDeniedException($"A {device.Status.ToString().ToLowerInvariant()} device receives no commands.");
        }

        var keys = new { merchantId = device.MerchantId, deviceId, type = (int)type, now };
        if (await connection.ExecuteScalarAsync<Guid?>(new CommandDefinition(FindOpenCommand, keys, transaction, cancellationToken: ct)) is { } open)
        {
            return open;
        }

        var id = Guid.NewGuid();
        await connection.ExecuteAsync(new CommandDefinition(InsertCommand, new
        {
            keys.merchantId, id, deviceId, keys.type, issuedById = actor.PersonId, issuedByName = actor.Name, now,
            expiresAt = now.AddHours(options.Value.CommandLifetimeHours),
        }, transaction, cancellationToken: ct));
        await audit.RecordAsync(Event(actor, device, $"device.{type.WireName()}-requested",
            $"Requested {type.WireName()} of terminal {device.SerialNumber}" + (actor.IsSystem && NeedsStepUp(type) ? $" (system: {actor.Name}, no person)" : "")),
            connection, transaction, ct);
        await transaction.CommitAsync(ct);

        live.Publish(device.MerchantId, new DeviceChanged(device.MerchantId, deviceId, DeviceChange.CommandChanged));
        return id;
    }

    /// <summary>
    /// Marks the device lost or stolen at once (no terminal involved) and queues a lock for its next check-in.
    /// </summary>
    public async Task ReportLostAsync(AccessScope scope, DeviceActor actor, Guid deviceId, CancellationToken ct = default)
    {
        // Checked before the status changes, so a stale session neither marks the device lost nor queues the lock.
        await EnsureStepUpAsync(actor, ct);
        var now = clock.GetUtcNow();
        await using (var connection = await db.OpenAsync(ct))
        await using (var transaction = await connection.BeginTransactionAsync(ct))
        {
            var device = await ReadScopedAsync(connection, transaction, scope, deviceId, "report devices lost", ct);
            if (device.Status is not (DeviceStatus.Active or DeviceStatus.Locked))
            {
                throw new DeviceActionDeniedException($"A {device.Status.ToString().ToLowerInvariant()} device cannot be reported lost.");
            }

            await connection.ExecuteAsync(new CommandDefinition(SetStatus,
                new { status = (int)DeviceStatus.LostOrStolen, now, merchantId = device.MerchantId, deviceId }, transaction, cancellationToken: ct));
            await audit.RecordAsync(Event(actor, device, "device.reported-lost", $"Reported terminal {device.SerialNumber} lost or stolen"),
                connection, transaction, ct);
            await transaction.CommitAsync(ct);
            credentials.Forget(deviceId);
            live.Publish(device.MerchantId, new DeviceChanged(device.MerchantId, deviceId, DeviceChange.StatusChanged));
        }

        await IssueAsync(scope, actor, deviceId, DeviceCommandType.Lock, ct);
    }

    /// <summary>Applies a terminal's acknowledgement of one of its own commands.</summary>
    public async Task<(AckResult Result, DeviceCommandStatus? Status)> AcknowledgeAsync(
        DeviceIdentity device, Guid commandId, bool succeeded, string? detail, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var status = succeeded ? DeviceCommandStatus.Succeeded : DeviceCommandStatus.Failed;
        var keys = new { merchantId = device.MerchantId, deviceId = device.DeviceId, commandId };
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var command = await connection.QuerySingleOrDefaultAsync<CommandRow>(new CommandDefinition(ReadCommand, keys, transaction, cancellationToken: ct));
        if (command is null)
        {
            return (AckResult.NotFound, null);
        }

        var updated = await connection.ExecuteAsync(new CommandDefinition(CompleteCommand,
            new { keys.merchantId, keys.deviceId, commandId, status = (int)status, now, detail }, transaction, cancellationToken: ct));
        if (updated == 0)
        {
            // Already completed or expired: the same answer again is a retry, a different one a conflict.
            return (command.Status == status ? AckResult.AlreadyApplied : AckResult.Conflict, command.Status);
        }

        var change = DeviceChange.CommandChanged;
        if (succeeded && NewStatus(command.Type, device.Status) is { } newStatus)
        {
            var decommission = newStatus is DeviceStatus.Wiped or DeviceStatus.Retired;
            await connection.ExecuteAsync(new CommandDefinition(decommission ? Decommission : SetStatus,
                new { status = (int)newStatus, now, keys.merchantId, keys.deviceId, notOnline = false }, transaction, cancellationToken: ct));
            change = DeviceChange.StatusChanged;
        }

        await audit.RecordAsync(new AuditEvent
        {
            Category = "devices",
            Action = $"device.{command.Type.WireName()}-{status.WireName()}",
            Outcome = succeeded ? AuditOutcome.Success : AuditOutcome.Failure,
            Summary = $"Terminal {device.SerialNumber} reported {command.Type.WireName()} {status.WireName()}" + (detail is null ? "" : $": {detail}"),
            ActorName = $"terminal {device.SerialNumber}",
            MerchantId = device.MerchantId,
            TargetType = "device",
            TargetId = device.DeviceId.ToString(),
        }, connection, transaction, ct);
        await transaction.CommitAsync(ct);
        if (change == DeviceChange.StatusChanged)
        {
            // The terminal's next request must see its new status (a retired one: 401), not a cached identity.
            credentials.Forget(device.DeviceId);
        }

        live.Publish(device.MerchantId, new DeviceChanged(device.MerchantId, device.DeviceId, change));
        return (AckResult.Applied, status);
    }

    /// <summary>What a device's status becomes when a command succeeds (null: unchanged).</summary>
    public static DeviceStatus? NewStatus(DeviceCommandType type, DeviceStatus current) => type switch
    {
        DeviceCommandType.Lock when current == DeviceStatus.Active => DeviceStatus.Locked,
        DeviceCommandType.Unlock when current is DeviceStatus.Locked or DeviceStatus.LostOrStolen => DeviceStatus.Active,
        DeviceCommandType.Wipe => DeviceStatus.Wiped,
        DeviceCommandType.Retire => DeviceStatus.Retired,
        _ => null,
    };

    /// <summary>Lock, wipe and retire (DESIGN.md: wipe/lock need a fresh WebAuthn assertion; retire decommissions).</summary>
    public static bool NeedsStepUp(DeviceCommandType type) => type is DeviceCommandType.Lock || type.IsDestructive();

    /// <summary>
    /// A person must present their own signed-in principal with a fresh step-up; an actor with no person must be an
    /// explicit <see cref="DeviceActor.System"/> one (the command line, the simulator), which the audit entry names.
    /// </summary>
    private async Task EnsureStepUpAsync(DeviceActor actor, CancellationToken ct)
    {
        if (actor.IsSystem)
        {
            return;
        }

        if (actor.User is not { } user || actor.PersonId is null || PortalClaims.PersonId(user) != actor.PersonId)
        {
            throw new StepUpRequiredException();
        }

        await stepUp.EnsureFreshAsync(user, ct);
    }

    private static async Task<DeviceRow> ReadScopedAsync(
        DbConnection connection, DbTransaction transaction, AccessScope scope, Guid deviceId, string what, CancellationToken ct)
    {
        var device = await connection.QuerySingleOrDefaultAsync<DeviceRow>(new CommandDefinition(ReadDevice, new { deviceId }, transaction, cancellationToken: ct));
        if (device is null || !scope.CanSee(device.MerchantId))
        {
            throw new DeviceNotFoundException(deviceId);
        }

        if (!scope.Has(device.MerchantId, DeviceAccess.ActorRoles))
        {
            throw new DeviceActionDeniedException($"Only a merchant owner or support agent may {what}.");
        }

        return device;
    }

    private static AuditEvent Event(DeviceActor actor, DeviceRow device, string action, string summary) =>
        actor.AuditOf(device.MerchantId, device.Id, action, summary);

    private sealed class DeviceRow
    {
        public Guid MerchantId { get; init; }
        public Guid Id { get; init; }
        public string SerialNumber { get; init; } = "";
        public DeviceStatus Status { get; init; }
    }

    private sealed class CommandRow
    {
        public DeviceCommandType Type { get; init; }
        public DeviceCommandStatus Status { get; init; }
    }
}
