using AdminPortal.Features.Devices.Api;
using AdminPortal.Features.Devices.CheckIns;
using AdminPortal.Features.Devices.Commands;
using AdminPortal.Features.Devices.Enrollment;
using AdminPortal.Features.Merchants;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.CommandLine;
using AdminPortal.Infrastructure.Database;
using Dapper;

namespace AdminPortal.Features.Devices;

/// <summary>
/// Demo terminals for every demo store: enrolled with real codes, with check-ins of a mixed estate (a tampered one,
/// a rooted one, one far from its store, some silent for hours). Idempotent: stores that have demo terminals are skipped.
/// </summary>
internal sealed class DevicesDemoSeeder(
    MerchantDirectory merchants, EnrollmentCodes codes, DeviceEnrollment enrollment, CheckInProcessor processor,
    DeviceCommandService commands, IDbConnectionFactory db, TimeProvider clock) : IDemoSeeder
{
    private const int PerStore = 4;
    private static readonly string[] Models = ["A920", "A77", "SmartPOS P2"];
    private static readonly string[] AppVersions = ["3.4.0", "3.5.1", "3.5.1", "3.6.0"];

    public int Order => 20;

    public async Task<string> SeedAsync(CancellationToken cancellationToken)
    {
        var admin = new AccessScope(null, true, []);
        var created = 0;
        foreach (var merchant in (await merchants.ListMerchantsAsync(cancellationToken)).Where(m => m.MerchantNumber.StartsWith("DEMO-", StringComparison.Ordinal)))
        {
            var storeIndex = 0;
            foreach (var store in await merchants.ListStoresAsync(merchant.Id, cancellationToken))
            {
                storeIndex++;
                var prefix = $"DEMO-{merchant.Country}{storeIndex}-";
                if (await HasDemoDevicesAsync(merchant.Id, prefix, cancellationToken))
                {
                    continue;
                }

                var storeCodes = await codes.CreateAsync(admin, DeviceActor.CommandLine, merchant.Id, store.Id, PerStore, 1, cancellationToken);
                for (var i = 0; i < PerStore; i++)
                {
                    var serial = $"{prefix}{i + 1:000}";
                    var model = Models[(storeIndex + i) % Models.Length];
                    var device = await enrollment.EnrollAsync(new EnrollmentDetails(
                        storeCodes[i].Code, serial, model, model.StartsWith('A') ? "PAX" : "Sunmi", "Android 11", "FW 2.1", AppVersions[i]), null, cancellationToken)
                        ?? throw new InvalidOperationException("A fresh demo code was refused.");
                    await CheckInAsync(device, merchant, store, serial, i, storeIndex, cancellationToken);
                    created++;
                }
            }
        }

        return $"Demo terminals: {created} enrolled and checked in.";
    }

    private async Task CheckInAsync(EnrolledDevice device, Merchant merchant, Store store, string serial, int i, int storeIndex, CancellationToken ct)
    {
        var identity = new DeviceIdentity(merchant.Id, device.DeviceId, store.Id, serial, DeviceStatus.Active, device.CheckInIntervalSeconds);
        var tampered = i == 1 && storeIndex == 1;
        var roaming = i == 2 && storeIndex == 2;
        var (lat, lon) = roaming ? (store.Latitude + 0.4, store.Longitude + 0.4) : (store.Latitude + 0.0004, store.Longitude);
        var report = new CheckInReport("Android 11", "FW 2.1", AppVersions[i], 35 + (17 * i % 60), i == 3 ? "cellular" : "wifi",
            !(i == 0 && storeIndex == 2), lat, lon, 15, tampered ? TamperState.Tampered : TamperState.Ok,
            tampered ? "Case-open switch triggered" : null, i == 3 && storeIndex == 1 && merchant.Country == "US", true);
        // The last terminal of each store was last heard from hours ago: the monitor reports it offline.
        var receivedAt = clock.GetUtcNow() - (i == 3 ? TimeSpan.FromHours(5) : TimeSpan.FromMinutes(i + 1));
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await processor.ApplyAsync(connection, transaction, new CheckInWork(identity, report, receivedAt, store.Latitude, store.Longitude), ct);
        await transaction.CommitAsync(ct);
        if (i == 0 && storeIndex == 1)
        {
            await commands.IssueAsync(new AccessScope(null, true, []), new DeviceActor(null, "demo data"), device.DeviceId, DeviceCommandType.Reboot, ct);
        }
    }

    private async Task<bool> HasDemoDevicesAsync(Guid merchantId, string prefix, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT count(*) FROM devices WHERE merchant_id = @merchantId AND {db.Dialect.StartsWith("serial_number", "prefix")}",
            new { merchantId, prefix = db.Dialect.PrefixPattern(prefix) }, cancellationToken: ct)) > 0;
    }
}
