using System.Data.Common;
using AdminPortal.Features.Audit;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Infrastructure.Validation;
using Dapper;

namespace AdminPortal.Features.Devices.Tags;

/// <summary>
/// What a device tag may be. Tags are compared as stored, so they are normalised once here: trimmed and lower-case,
/// which makes "Pilot" and " pilot" the same tag for the device list filter and for patch policy targets alike.
/// </summary>
public static class DeviceTagRules
{
    public const int MaxLength = 32;
    public const int MaxPerDevice = 10;

    public static string Normalise(string? tag) => (tag ?? "").Trim().ToLowerInvariant();

    /// <summary>The problem with <paramref name="tag"/> (normalised first), or null when it is a valid tag.</summary>
    public static string? Problem(string? tag)
    {
        var normalised = Normalise(tag);
        if (normalised.Length == 0)
        {
            return "Type a tag.";
        }

        if (normalised.Length > MaxLength)
        {
            return $"A tag is at most {MaxLength} characters.";
        }

        return normalised.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_')
            ? null
            : "A tag holds only letters a–z, digits, '-' and '_' (no spaces).";
    }

    /// <summary>The normalised tag, or <see cref="InputValidationException"/> naming the field "Tag".</summary>
    public static string Validate(string? tag) =>
        Problem(tag) is { } problem
            ? throw new InputValidationException(new Dictionary<string, string[]> { ["Tag"] = [problem] })
            : Normalise(tag);
}

/// <summary>
/// Reads and changes device tags. Every call takes the reader's <see cref="AccessScope"/>: a device outside it is
/// "not found"; changing tags needs an acting role (owner, support agent, platform admin) and is audited.
/// </summary>
public sealed class DeviceTagService(IDbConnectionFactory db, IAuditLog audit, TimeProvider clock)
{
    private const string ReadDevice =
        "SELECT merchant_id AS MerchantId, id AS Id, serial_number AS SerialNumber FROM devices WHERE id = @deviceId";

    /// <summary>The device's tags, alphabetical; empty for a device outside the scope.</summary>
    public async Task<IReadOnlyList<string>> ListAsync(AccessScope scope, Guid merchantId, Guid deviceId, CancellationToken ct = default)
    {
        if (!scope.CanSee(merchantId))
        {
            return [];
        }

        await using var connection = await db.OpenAsync(ct);
        return (await ListAsync(connection, null, merchantId, deviceId, ct)).ToList();
    }

    /// <summary>Every tag in use on the merchant's devices, alphabetical (for the filter and the policy editor).</summary>
    public async Task<IReadOnlyList<string>> ListMerchantTagsAsync(AccessScope scope, Guid merchantId, CancellationToken ct = default)
    {
        if (!scope.CanSee(merchantId))
        {
            return [];
        }

        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT DISTINCT tag FROM device_tags WHERE merchant_id = @merchantId ORDER BY tag LIMIT 500", new { merchantId }, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>Adds a tag (normalised); adding one the device already has changes nothing. Returns the device's tags.</summary>
    public async Task<IReadOnlyList<string>> AddAsync(AccessScope scope, DeviceActor actor, Guid deviceId, string? tag, CancellationToken ct = default)
    {
        var normalised = DeviceTagRules.Validate(tag);
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var device = await ReadScopedAsync(connection, transaction, scope, deviceId, ct);
        var current = await ListAsync(connection, transaction, device.MerchantId, deviceId, ct);
        if (current.Contains(normalised))
        {
            return current;
        }

        if (current.Count >= DeviceTagRules.MaxPerDevice)
        {
            throw new InputValidationException(new Dictionary<string, string[]>
            {
                ["Tag"] = [$"A device has at most {DeviceTagRules.MaxPerDevice} tags: remove one first."],
            });
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO device_tags (merchant_id, device_id, tag, created_at) VALUES (@merchantId, @deviceId, @tag, @now)",
            new { merchantId = device.MerchantId, deviceId, tag = normalised, now = clock.GetUtcNow() }, transaction, cancellationToken: ct));
        await audit.RecordAsync(Event(actor, device, "device.tag-added", $"Tagged terminal {device.SerialNumber} \"{normalised}\""),
            connection, transaction, ct);
        await transaction.CommitAsync(ct);
        return [.. current.Append(normalised).Order(StringComparer.Ordinal)];
    }

    /// <summary>Removes a tag; removing one the device does not have changes nothing. Returns the device's tags.</summary>
    public async Task<IReadOnlyList<string>> RemoveAsync(AccessScope scope, DeviceActor actor, Guid deviceId, string? tag, CancellationToken ct = default)
    {
        var normalised = DeviceTagRules.Normalise(tag);
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var device = await ReadScopedAsync(connection, transaction, scope, deviceId, ct);
        var removed = await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM device_tags WHERE merchant_id = @merchantId AND device_id = @deviceId AND tag = @tag",
            new { merchantId = device.MerchantId, deviceId, tag = normalised }, transaction, cancellationToken: ct));
        if (removed > 0)
        {
            await audit.RecordAsync(Event(actor, device, "device.tag-removed", $"Removed tag \"{normalised}\" from terminal {device.SerialNumber}"),
                connection, transaction, ct);
        }

        var remaining = await ListAsync(connection, transaction, device.MerchantId, deviceId, ct);
        await transaction.CommitAsync(ct);
        return remaining;
    }

    /// <summary>
    /// The tags of the merchant's devices (or of one device), for <see cref="DeviceDirectory"/>: devices without tags are
    /// absent. One query per merchant instead of one per device, because Patching evaluates a whole estate at once.
    /// </summary>
    internal static async Task<Dictionary<Guid, List<string>>> ReadForAsync(
        DbConnection connection, Guid merchantId, Guid? deviceId, CancellationToken ct)
    {
        var sql = "SELECT device_id AS DeviceId, tag AS Tag FROM device_tags WHERE merchant_id = @merchantId"
            + (deviceId is null ? "" : " AND device_id = @deviceId");
        var rows = await connection.QueryAsync<TagRow>(new CommandDefinition(
            sql + " ORDER BY device_id, tag", new { merchantId, deviceId }, cancellationToken: ct));
        return rows.GroupBy(r => r.DeviceId).ToDictionary(g => g.Key, g => g.Select(r => r.Tag).ToList());
    }

    private static async Task<IReadOnlyList<string>> ListAsync(
        DbConnection connection, DbTransaction? transaction, Guid merchantId, Guid deviceId, CancellationToken ct) =>
        (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT tag FROM device_tags WHERE merchant_id = @merchantId AND device_id = @deviceId ORDER BY tag",
            new { merchantId, deviceId }, transaction, cancellationToken: ct))).AsList();

    private static async Task<DeviceRow> ReadScopedAsync(
        DbConnection connection, DbTransaction transaction, AccessScope scope, Guid deviceId, CancellationToken ct)
    {
        var device = await connection.QuerySingleOrDefaultAsync<DeviceRow>(new CommandDefinition(ReadDevice, new { deviceId }, transaction, cancellationToken: ct));
        if (device is null || !scope.CanSee(device.MerchantId))
        {
            throw new DeviceNotFoundException(deviceId);
        }

        if (!scope.Has(device.MerchantId, DeviceAccess.ActorRoles))
        {
            throw new DeviceActionDeniedException("Only a merchant owner or support agent may change device tags.");
        }

        return device;
    }

    private static AuditEvent Event(DeviceActor actor, DeviceRow device, string action, string summary) =>
        actor.AuditOf(device.MerchantId, device.Id, action, summary);

    private sealed class TagRow
    {
        public Guid DeviceId { get; init; }
        public string Tag { get; init; } = "";
    }

    private sealed class DeviceRow
    {
        public Guid MerchantId { get; init; }
        public Guid Id { get; init; }
        public string SerialNumber { get; init; } = "";
    }
}
