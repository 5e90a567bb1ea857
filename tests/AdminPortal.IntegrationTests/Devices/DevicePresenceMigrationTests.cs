using AdminPortal.Features.Merchants;
using AdminPortal.Infrastructure.Database;
using AdminPortal.IntegrationTests.TestSupport;
using AdminPortal.Testing;
using Dapper;

namespace AdminPortal.IntegrationTests.Devices;

/// <summary>
/// Migration 0082 moves the last-contact and offline-deadline indexes to device_presence (a table kept by a trigger on
/// PostgreSQL, a view of devices on SQLite): a portal upgraded over a stored estate must find every device there, and
/// every later write of devices, by whatever statement, must reach it.
/// </summary>
public sealed class DevicePresenceMigrationTests
{
    private const string Migration = "0082_device_presence.sql";

    static DevicePresenceMigrationTests() => DapperTypeHandlers.AddJson<OpeningHours>();

    [Theory, BothDatabases]
    public async Task Upgrading_gives_every_stored_device_its_presence_and_later_writes_keep_it_current(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        using var behind = await DatabaseOneMigrationBehind.CreateAsync(database, provider, Migration);
        var connections = behind.Connections;
        var clock = new TestClock(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        var (merchant, store) = await DeviceApiHarness.AddMerchantAsync(new MerchantDirectory(connections, clock), "A");
        var now = clock.GetUtcNow();
        await using var connection = await connections.OpenAsync();
        const string Insert =
            """
            INSERT INTO devices (merchant_id, id, store_id, serial_number, status, check_in_interval_seconds, is_online, offline_after,
                                 last_seen_at, created_at, updated_at)
            VALUES (@merchantId, @id, @storeId, @serial, 1, 300, @online, @offlineAfter, @lastSeen, @now, @now)
            """;
        var (seen, neverSeen) = (Guid.NewGuid(), Guid.NewGuid());
        await connection.ExecuteAsync(Insert, new
        {
            merchantId = merchant.Id, id = seen, storeId = store.Id, serial = "SN-1", online = true, offlineAfter = (DateTimeOffset?)now.AddMinutes(15),
            lastSeen = (DateTimeOffset?)now, now,
        });
        await connection.ExecuteAsync(Insert, new
        {
            merchantId = merchant.Id, id = neverSeen, storeId = store.Id, serial = "SN-2", online = false, offlineAfter = (DateTimeOffset?)null,
            lastSeen = (DateTimeOffset?)null, now,
        });

        Assert.Equal([Migration], await behind.UpgradeAsync());
        await AssertPresenceMatchesDevicesAsync(2);

        // A device inserted and one updated after the upgrade, each by a plain statement (no portal code involved).
        await connection.ExecuteAsync(Insert, new
        {
            merchantId = merchant.Id, id = Guid.NewGuid(), storeId = store.Id, serial = "SN-3", online = true,
            offlineAfter = (DateTimeOffset?)now.AddMinutes(20), lastSeen = (DateTimeOffset?)now.AddMinutes(5), now,
        });
        await connection.ExecuteAsync(
            "UPDATE devices SET is_online = @online, offline_after = @offlineAfter, last_seen_at = @lastSeen WHERE id = @neverSeen",
            new { online = true, offlineAfter = now.AddMinutes(25), lastSeen = now.AddMinutes(10), neverSeen });
        await connection.ExecuteAsync("UPDATE devices SET is_online = @online, status = 2, tamper_state = 1 WHERE id = @seen", new { online = false, seen });
        await connection.ExecuteAsync("UPDATE devices SET model = 'A77', app_version = '3.5.0' WHERE serial_number = 'SN-3'");
        await AssertPresenceMatchesDevicesAsync(3);

        // A device removed takes its presence with it.
        await connection.ExecuteAsync("DELETE FROM devices WHERE id = @seen", new { seen });
        await AssertPresenceMatchesDevicesAsync(2);

        async Task AssertPresenceMatchesDevicesAsync(int expected)
        {
            var (presence, devices) = await ReadPresenceAsync(connection);
            Assert.Equal(expected, presence.Count);
            Assert.Equal(devices, presence);
        }
    }

    /// <summary>device_presence's rows and the same columns of devices, both in device order.</summary>
    internal static async Task<(List<PresenceRow> Presence, List<PresenceRow> Devices)> ReadPresenceAsync(System.Data.Common.DbConnection connection)
    {
        const string Columns =
            "last_seen_at AS LastSeenAt, offline_after AS OfflineAfter, is_online AS IsOnline, status AS Status, tamper_state AS TamperState, " +
            "model AS Model, app_version AS AppVersion";
        const string Presence = $"SELECT device_id AS Id, {Columns} FROM device_presence ORDER BY device_id";
        const string Devices = $"SELECT id AS Id, {Columns} FROM devices ORDER BY id";
        return ((await connection.QueryAsync<PresenceRow>(Presence)).ToList(), (await connection.QueryAsync<PresenceRow>(Devices)).ToList());
    }

    internal sealed record PresenceRow
    {
        public Guid Id { get; init; }
        public DateTimeOffset? LastSeenAt { get; init; }
        public DateTimeOffset? OfflineAfter { get; init; }
        public bool IsOnline { get; init; }
        public int Status { get; init; }
        public int TamperState { get; init; }
        public string? Model { get; init; }
        public string? AppVersion { get; init; }
    }
}
