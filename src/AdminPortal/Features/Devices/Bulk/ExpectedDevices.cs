using System.Text.RegularExpressions;
using AdminPortal.Features.Audit;
using AdminPortal.Features.Merchants;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using Dapper;
using Microsoft.Extensions.Options;

namespace AdminPortal.Features.Devices.Bulk;

/// <summary>
/// Pre-registers serial numbers a merchant expects to enroll (a "pending" estate). A pending device has no credential;
/// it becomes active when a terminal with that serial enrolls with one of the merchant's codes.
/// </summary>
public sealed partial class ExpectedDevices(
    IDbConnectionFactory db, MerchantDirectory merchants, IAuditLog audit, TimeProvider clock, IOptions<DeviceOptions> options)
{
    public const int MaxPerImport = 100_000;

    private const string InsertPending =
        """
        INSERT INTO devices (merchant_id, id, store_id, serial_number, status, check_in_interval_seconds, created_at, updated_at)
        VALUES (@merchantId, @id, @storeId, @serial, 0, @interval, @now, @now)
        ON CONFLICT (merchant_id, serial_number) DO NOTHING
        """;

    [GeneratedRegex("^[A-Z0-9._/-]{1,64}$")]
    private static partial Regex Serial();

    public static bool IsValidSerial(string serial) => Serial().IsMatch(serial);

    /// <summary>Adds the serials not yet known to the merchant; returns how many were added.</summary>
    public async Task<int> RegisterAsync(
        AccessScope scope, DeviceActor actor, Guid merchantId, Guid storeId, IReadOnlyCollection<string> serials, CancellationToken ct = default)
    {
        DeviceAccess.RequireActor(scope, merchantId, "import devices");
        var store = (await merchants.ListStoresAsync(merchantId, ct)).FirstOrDefault(s => s.Id == storeId)
            ?? throw new KeyNotFoundException("The store was not found.");
        var normalised = serials.Select(s => s.Trim().ToUpperInvariant()).Where(s => s.Length > 0).Distinct().ToList();
        if (normalised.FirstOrDefault(s => !IsValidSerial(s)) is { } bad)
        {
            throw new ArgumentException($"'{bad}' is not a serial number (letters, digits, '.', '-', '_', '/'; at most 64).", nameof(serials));
        }

        if (normalised.Count > MaxPerImport)
        {
            throw new ArgumentException($"At most {MaxPerImport} serial numbers per import.", nameof(serials));
        }

        var now = clock.GetUtcNow();
        var interval = options.Value.CheckInIntervalSeconds;
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var added = 0;
        foreach (var serial in normalised)
        {
            added += await connection.ExecuteAsync(new CommandDefinition(InsertPending,
                new { merchantId, id = Guid.NewGuid(), storeId, serial, interval, now }, transaction, cancellationToken: ct));
        }

        await audit.RecordAsync(new AuditEvent
        {
            Category = "devices",
            Action = "device.imported",
            Summary = $"Pre-registered {added} of {normalised.Count} serial numbers for store {store.Name}",
            ActorId = actor.PersonId,
            ActorName = actor.Name,
            MerchantId = merchantId,
            TargetType = "store",
            TargetId = storeId.ToString(),
            IpAddress = actor.IpAddress,
            UserAgent = actor.UserAgent,
        }, connection, transaction, ct);
        await transaction.CommitAsync(ct);
        return added;
    }
}
