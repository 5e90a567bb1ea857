using AdminPortal.Infrastructure.Database;
using Dapper;

namespace AdminPortal.Features.Devices;

/// <summary>Turns a presented bearer secret into the device it belongs to.</summary>
public sealed class DeviceCredentials(IDbConnectionFactory db)
{
    // Looked up by hash on the unique index; a hash cannot be reversed into a usable secret if the table leaks.
    private const string FindBySecretHash =
        """
        SELECT merchant_id AS MerchantId, id AS DeviceId, store_id AS StoreId, serial_number AS SerialNumber,
               status AS Status, check_in_interval_seconds AS CheckInIntervalSeconds
        FROM devices WHERE secret_hash = @secretHash
        """;

    /// <summary>The device, or null for an unknown secret or a retired or wiped device.</summary>
    public async Task<DeviceIdentity?> AuthenticateAsync(string secret, CancellationToken ct)
    {
        if (secret.Length is < 20 or > 200)
        {
            return null;
        }

        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<IdentityRow>(new CommandDefinition(
            FindBySecretHash, new { secretHash = DeviceSecrets.HashSecret(secret) }, cancellationToken: ct));
        return row is null || row.Status is DeviceStatus.Retired or DeviceStatus.Wiped or DeviceStatus.Pending
            ? null
            : new DeviceIdentity(row.MerchantId, row.DeviceId, row.StoreId, row.SerialNumber, row.Status, row.CheckInIntervalSeconds);
    }

    private sealed class IdentityRow
    {
        public Guid MerchantId { get; init; }
        public Guid DeviceId { get; init; }
        public Guid StoreId { get; init; }
        public string SerialNumber { get; init; } = "";
        public DeviceStatus Status { get; init; }
        public int CheckInIntervalSeconds { get; init; }
    }
}
