using System.Data.Common;
using AdminPortal.Features.Audit;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Infrastructure.LiveUpdates;
using Dapper;
using Microsoft.Extensions.Options;

namespace AdminPortal.Features.Devices.Enrollment;

/// <summary>What a terminal sends to enroll, after validation (serial upper-cased).</summary>
public sealed record EnrollmentDetails(
    string EnrollmentCode, string SerialNumber, string Model, string Manufacturer, string OsVersion, string FirmwareVersion, string AppVersion);

/// <summary>The result: the device and the secret it must present from now on (returned once, stored only as a hash).</summary>
public sealed record EnrolledDevice(Guid MerchantId, Guid DeviceId, string DeviceSecret, int CheckInIntervalSeconds);

/// <summary>
/// Exchanges a one-time code for a device credential. A code yields exactly one device: a retry of the same
/// enrollment (same code and serial, before the device's first check-in — its first answer was lost) gets the same
/// device with a fresh secret; any other reuse is refused.
/// </summary>
public sealed class DeviceEnrollment(
    IDbConnectionFactory db, IAuditLog audit, ILiveUpdates live, TimeProvider clock, IOptions<DeviceOptions> options,
    ILogger<DeviceEnrollment> logger, DeviceCredentials credentials)
{
    private const string FindCode =
        """
        SELECT merchant_id AS MerchantId, id AS Id, store_id AS StoreId, expires_at AS ExpiresAt, used_at AS UsedAt, device_id AS DeviceId
        FROM enrollment_codes WHERE code_hash = @codeHash
        """;

    private const string ClaimCode =
        """
        UPDATE enrollment_codes SET used_at = @now, device_id = @deviceId
        WHERE merchant_id = @merchantId AND id = @codeId AND used_at IS NULL
        """;

    private const string FindDeviceBySerial =
        """
        SELECT id AS Id, status AS Status, last_seen_at AS LastSeenAt
        FROM devices WHERE merchant_id = @merchantId AND serial_number = @serialNumber
        """;

    private const string InsertDevice =
        """
        INSERT INTO devices (merchant_id, id, store_id, serial_number, model, manufacturer, status, secret_hash,
                             os_version, firmware_version, app_version, check_in_interval_seconds, enrolled_at, created_at, updated_at)
        VALUES (@merchantId, @deviceId, @storeId, @SerialNumber, @Model, @Manufacturer, @status, @secretHash,
                @OsVersion, @FirmwareVersion, @AppVersion, @interval, @now, @now, @now)
        """;

    // An imported (pending) serial, or a retired / wiped terminal being provisioned again with a new code.
    private const string ActivateDevice =
        """
        UPDATE devices SET store_id = @storeId, model = @Model, manufacturer = @Manufacturer, status = @status, secret_hash = @secretHash,
               os_version = @OsVersion, firmware_version = @FirmwareVersion, app_version = @AppVersion,
               check_in_interval_seconds = @interval, tamper_state = 0, tamper_detail = NULL, is_online = @notOnline, offline_after = NULL,
               last_seen_at = NULL, enrolled_at = @now, updated_at = @now
        WHERE merchant_id = @merchantId AND id = @deviceId
        """;

    private const string RotateSecret =
        "UPDATE devices SET secret_hash = @secretHash, updated_at = @now WHERE merchant_id = @merchantId AND id = @deviceId";

    /// <summary>The enrolled device, or null when the code is unknown, expired or already used by another enrollment.</summary>
    public async Task<EnrolledDevice?> EnrollAsync(EnrollmentDetails details, string? ipAddress, CancellationToken ct)
    {
        // Two racing requests with one code: the loser's claim finds the code taken and, on the second pass, sees the
        // winner's device like any retry would.
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var result = await TryEnrollAsync(details, ipAddress, ct);
            if (result is not EnrollAttempt.Raced)
            {
                return (result as EnrollAttempt.Done)?.Device;
            }
        }

        return null;
    }

    private abstract record EnrollAttempt
    {
        public sealed record Done(EnrolledDevice? Device) : EnrollAttempt;

        public sealed record Raced : EnrollAttempt;
    }

    private async Task<EnrollAttempt> TryEnrollAsync(EnrollmentDetails details, string? ipAddress, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var interval = options.Value.CheckInIntervalSeconds;
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);

        var code = await connection.QuerySingleOrDefaultAsync<CodeRow>(new CommandDefinition(
            FindCode, new { codeHash = DeviceSecrets.HashEnrollmentCode(details.EnrollmentCode) }, transaction, cancellationToken: ct));
        if (code is null)
        {
            return new EnrollAttempt.Done(null);
        }

        var existing = await connection.QuerySingleOrDefaultAsync<ExistingDevice>(new CommandDefinition(
            FindDeviceBySerial, new { merchantId = code.MerchantId, serialNumber = details.SerialNumber }, transaction, cancellationToken: ct));
        var secret = DeviceSecrets.NewDeviceSecret();
        var secretHash = DeviceSecrets.HashSecret(secret);

        if (code.UsedAt is not null)
        {
            var isRetry = code.DeviceId is { } usedBy && existing?.Id == usedBy && existing.LastSeenAt is null && existing.Status == DeviceStatus.Active;
            if (!isRetry)
            {
                logger.LogInformation("Refused a used enrollment code for merchant {MerchantId}", code.MerchantId);
                return new EnrollAttempt.Done(null);
            }

            await connection.ExecuteAsync(new CommandDefinition(
                RotateSecret, new { secretHash, now, merchantId = code.MerchantId, deviceId = existing!.Id }, transaction, cancellationToken: ct));
            await transaction.CommitAsync(ct);
            credentials.Forget(existing.Id);
            live.Publish(code.MerchantId, new DeviceChanged(code.MerchantId, existing.Id, DeviceChange.Enrolled));
            return new EnrollAttempt.Done(new EnrolledDevice(code.MerchantId, existing.Id, secret, interval));
        }

        if (code.ExpiresAt <= now)
        {
            return new EnrollAttempt.Done(null);
        }

        var deviceId = existing?.Id ?? Guid.NewGuid();
        var claimed = await connection.ExecuteAsync(new CommandDefinition(
            ClaimCode, new { now, deviceId, merchantId = code.MerchantId, codeId = code.Id }, transaction, cancellationToken: ct));
        if (claimed == 0)
        {
            return new EnrollAttempt.Raced();
        }

        var parameters = new
        {
            merchantId = code.MerchantId, deviceId, storeId = code.StoreId, details.SerialNumber, details.Model, details.Manufacturer, status = (int)DeviceStatus.Active,
            secretHash, details.OsVersion, details.FirmwareVersion, details.AppVersion, interval, now, notOnline = false,
        };
        await connection.ExecuteAsync(new CommandDefinition(existing is null ? InsertDevice : ActivateDevice, parameters, transaction, cancellationToken: ct));
        await RecordAsync(connection, transaction, code.MerchantId, deviceId, details, existing, ipAddress, ct);
        await transaction.CommitAsync(ct);
        // A re-enrolled terminal's earlier secret stops working now, not when its cached identity expires.
        credentials.Forget(deviceId);
        live.Publish(code.MerchantId, new DeviceChanged(code.MerchantId, deviceId, DeviceChange.Enrolled));
        return new EnrollAttempt.Done(new EnrolledDevice(code.MerchantId, deviceId, secret, interval));
    }

    private Task RecordAsync(DbConnection connection, DbTransaction transaction, Guid merchantId, Guid deviceId, EnrollmentDetails details,
        ExistingDevice? existing, string? ipAddress, CancellationToken ct) =>
        audit.RecordAsync(new AuditEvent
        {
            Category = "devices",
            Action = existing is null or { Status: DeviceStatus.Pending } ? "device.enrolled" : "device.re-enrolled",
            Summary = $"Terminal {details.SerialNumber} ({details.Manufacturer} {details.Model}) enrolled with a one-time code"
                + (existing is { Status: not DeviceStatus.Pending } ? $", replacing its earlier {existing.Status.ToString().ToLowerInvariant()} enrollment" : ""),
            ActorName = $"terminal {details.SerialNumber}",
            MerchantId = merchantId,
            TargetType = "device",
            TargetId = deviceId.ToString(),
            IpAddress = ipAddress,
        }, connection, transaction, ct);

    private sealed class CodeRow
    {
        public Guid MerchantId { get; init; }
        public Guid Id { get; init; }
        public Guid StoreId { get; init; }
        public DateTimeOffset ExpiresAt { get; init; }
        public DateTimeOffset? UsedAt { get; init; }
        public Guid? DeviceId { get; init; }
    }

    private sealed class ExistingDevice
    {
        public Guid Id { get; init; }
        public DeviceStatus Status { get; init; }
        public DateTimeOffset? LastSeenAt { get; init; }
    }
}
