using AdminPortal.Infrastructure.Cluster;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Infrastructure.LiveUpdates;
using Dapper;
using Microsoft.Extensions.Options;

namespace AdminPortal.Features.Devices.Monitoring;

/// <summary>
/// Finds devices that missed their check-ins (three intervals by default) and commands nobody acknowledged in time.
/// Runs as cluster singleton work: one instance sweeps per interval. Each update is conditional as well, so even a
/// sweep started by hand beside it marks a device offline (and raises its alert) once.
/// </summary>
public sealed class DeviceHealthMonitor(
    IDbConnectionFactory db, ILiveUpdates live, TimeProvider clock, IOptions<DeviceOptions> options, ILogger<DeviceHealthMonitor> logger)
    : ISingletonWork
{
    private const int SweepBatch = 500;

    // The deadline's index is device_presence's (a table on PostgreSQL, a view of devices on SQLite: migration 0082).
    private const string FindOverdue =
        """
        SELECT p.merchant_id AS MerchantId, p.device_id AS Id, d.serial_number AS SerialNumber, p.last_seen_at AS LastSeenAt
        FROM device_presence AS p JOIN devices AS d ON d.merchant_id = p.merchant_id AND d.id = p.device_id
        WHERE p.is_online = @online AND p.offline_after < @now
        ORDER BY p.offline_after
        LIMIT @take
        """;

    private const string MarkOffline =
        """
        UPDATE devices SET is_online = @offline, updated_at = @now
        WHERE merchant_id = @MerchantId AND id = @Id AND is_online = @online AND offline_after < @now
        """;

    private const string InsertOfflineAlert =
        """
        INSERT INTO device_alerts (merchant_id, id, device_id, kind, detail, raised_at)
        VALUES (@MerchantId, @alertId, @Id, @kind, @detail, @now)
        """;

    private const string ExpireCommands =
        """
        UPDATE device_commands SET status = 4, completed_at = @now, result_detail = 'Not acknowledged before it expired.'
        WHERE status IN (0, 1) AND expires_at <= @now
        """;

    // After the retention window a device may use a key again: clearing it takes the row out of the unique index.
    private const string ForgetIdempotencyKeys =
        """
        UPDATE device_check_ins SET idempotency_key = NULL
        WHERE idempotency_key IS NOT NULL AND received_at < @cutoff
        """;

    public sealed record SweepResult(IReadOnlyList<Guid> WentOffline, int CommandsExpired, int IdempotencyKeysForgotten = 0);

    public string Name => "devices.health-sweep";

    public TimeSpan Interval => TimeSpan.FromSeconds(options.Value.MonitorIntervalSeconds);

    public Task RunAsync(CancellationToken ct) => SweepAsync(ct);

    /// <summary>One sweep at the clock's current time; public so tests drive it with a fake clock.</summary>
    public async Task<SweepResult> SweepAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var wentOffline = new List<Guid>();
        await using var connection = await db.OpenAsync(ct);
        while (true)
        {
            var overdue = (await connection.QueryAsync<OverdueDevice>(new CommandDefinition(
                FindOverdue, new { online = true, now, take = SweepBatch }, cancellationToken: ct))).AsList();
            foreach (var device in overdue)
            {
                await using var transaction = await connection.BeginTransactionAsync(ct);
                var changed = await connection.ExecuteAsync(new CommandDefinition(
                    MarkOffline, new { device.MerchantId, device.Id, offline = false, online = true, now }, transaction, cancellationToken: ct));
                if (changed == 1)
                {
                    var detail = $"missed its check-ins; last seen {device.LastSeenAt:yyyy-MM-dd HH:mm} UTC.";
                    await connection.ExecuteAsync(new CommandDefinition(InsertOfflineAlert, new
                    {
                        device.MerchantId, alertId = Guid.CreateVersion7(now), device.Id, kind = (int)DeviceAlertKind.Offline, detail, now,
                    }, transaction, cancellationToken: ct));
                    wentOffline.Add(device.Id);
                }

                await transaction.CommitAsync(ct);
                if (changed == 1)
                {
                    live.Publish(device.MerchantId, new DeviceChanged(device.MerchantId, device.Id, DeviceChange.WentOffline));
                }
            }

            if (overdue.Count < SweepBatch)
            {
                break;
            }
        }

        var expired = await connection.ExecuteAsync(new CommandDefinition(ExpireCommands, new { now }, cancellationToken: ct));
        var forgotten = await connection.ExecuteAsync(new CommandDefinition(
            ForgetIdempotencyKeys, new { cutoff = now - TimeSpan.FromHours(options.Value.IdempotencyKeyHours) }, cancellationToken: ct));
        if (wentOffline.Count > 0 || expired > 0)
        {
            logger.LogInformation("Device sweep: {Offline} devices went offline, {Expired} commands expired", wentOffline.Count, expired);
        }

        return new SweepResult(wentOffline, expired, forgotten);
    }

    private sealed class OverdueDevice
    {
        public Guid MerchantId { get; init; }
        public Guid Id { get; init; }
        public string SerialNumber { get; init; } = "";
        public DateTimeOffset? LastSeenAt { get; init; }
    }
}
