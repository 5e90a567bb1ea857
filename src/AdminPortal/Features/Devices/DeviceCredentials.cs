using System.Collections.Concurrent;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Infrastructure.LiveUpdates;
using Dapper;
using Microsoft.Extensions.Options;

namespace AdminPortal.Features.Devices;

/// <summary>
/// Turns a presented bearer secret into the device it belongs to. Every device API request asks, so identities are kept
/// in memory for <see cref="DeviceOptions.IdentityCacheSeconds"/>: a query per request was the largest cost of a
/// check-in after the write itself. A cached identity never outlives a change that must refuse or alter it: the code
/// that retires, wipes, locks, unlocks, reports lost or re-enrolls a device calls <see cref="Forget"/> right after its
/// commit, and other portal instances forget on the <see cref="DeviceChanged"/> message it publishes (the lifetime
/// bounds what a lost message could leave behind).
/// </summary>
public sealed class DeviceCredentials
{
    // Looked up by hash on the unique index; a hash cannot be reversed into a usable secret if the table leaks.
    private const string FindBySecretHash =
        """
        SELECT merchant_id AS MerchantId, id AS DeviceId, store_id AS StoreId, serial_number AS SerialNumber,
               status AS Status, check_in_interval_seconds AS CheckInIntervalSeconds
        FROM devices WHERE secret_hash = @secretHash
        """;

    private readonly IDbConnectionFactory _db;
    private readonly long _lifetimeMs;
    private readonly int _maxEntries;
    private readonly ConcurrentDictionary<string, Entry> _bySecretHash = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, string> _secretHashOfDevice = new();
    private int _count;

    // Bumped by every Forget: a lookup that started before a change does not cache what it read (it may predate the change).
    private long _generation;

    public DeviceCredentials(IDbConnectionFactory db, IOptions<DeviceOptions> options, ILiveUpdates live)
    {
        _db = db;
        _lifetimeMs = Math.Max(0, options.Value.IdentityCacheSeconds) * 1000L;
        _maxEntries = Math.Max(0, options.Value.IdentityCacheMaxEntries);
        // Another instance's change reaches this one as a message (PostgreSQL NOTIFY); this instance's own changes have
        // already been forgotten synchronously by the code that made them.
        live.Subscribe<DeviceChanged>(null, change =>
        {
            if (change.Change is DeviceChange.StatusChanged or DeviceChange.Enrolled)
            {
                Forget(change.DeviceId);
            }

            return Task.CompletedTask;
        });
    }

    /// <summary>The device, or null for an unknown secret or a retired or wiped device.</summary>
    public async Task<DeviceIdentity?> AuthenticateAsync(string secret, CancellationToken ct)
    {
        if (secret.Length is < 20 or > 200)
        {
            return null;
        }

        var secretHash = DeviceSecrets.HashSecret(secret);
        var now = Environment.TickCount64;
        if (_bySecretHash.TryGetValue(secretHash, out var cached))
        {
            if (cached.ExpiresAt > now)
            {
                return cached.Identity;
            }

            Remove(secretHash, cached);
        }

        var generation = Interlocked.Read(ref _generation);
        await using var connection = await _db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<IdentityRow>(new CommandDefinition(
            FindBySecretHash, new { secretHash }, cancellationToken: ct));
        if (row is null || row.Status is DeviceStatus.Retired or DeviceStatus.Wiped or DeviceStatus.Pending)
        {
            return null;
        }

        var identity = new DeviceIdentity(row.MerchantId, row.DeviceId, row.StoreId, row.SerialNumber, row.Status, row.CheckInIntervalSeconds);
        Remember(secretHash, identity, generation, now);
        return identity;
    }

    /// <summary>
    /// Drops what is cached for the device: call after committing any change of its status or credential, before
    /// answering, so the next request of that terminal is authenticated against the database.
    /// </summary>
    public void Forget(Guid deviceId)
    {
        Interlocked.Increment(ref _generation);
        if (_secretHashOfDevice.TryRemove(deviceId, out var secretHash) && _bySecretHash.TryGetValue(secretHash, out var entry))
        {
            Remove(secretHash, entry);
        }
    }

    private void Remember(string secretHash, DeviceIdentity identity, long generation, long now)
    {
        if (_lifetimeMs == 0 || (Volatile.Read(ref _count) >= _maxEntries && !SweepExpired(now)))
        {
            return;
        }

        var entry = new Entry(identity, now + _lifetimeMs);
        if (!_bySecretHash.TryAdd(secretHash, entry))
        {
            return;
        }

        Interlocked.Increment(ref _count);
        var previous = _secretHashOfDevice.GetValueOrDefault(identity.DeviceId);
        _secretHashOfDevice[identity.DeviceId] = secretHash;
        if (previous is not null && previous != secretHash && _bySecretHash.TryGetValue(previous, out var replaced))
        {
            // The device authenticated with another secret than the one cached: only one can be current.
            Remove(previous, replaced);
        }

        if (Interlocked.Read(ref _generation) != generation)
        {
            // A Forget ran while the database was read: what was read may be older than the change, so it is not kept.
            // (Forget bumps the generation before removing, so either it removed this entry or this check sees the bump.)
            Remove(secretHash, entry);
        }
    }

    private void Remove(string secretHash, Entry entry)
    {
        if (_bySecretHash.TryRemove(new KeyValuePair<string, Entry>(secretHash, entry)))
        {
            Interlocked.Decrement(ref _count);
            _secretHashOfDevice.TryRemove(new KeyValuePair<Guid, string>(entry.Identity.DeviceId, secretHash));
        }
    }

    /// <summary>Drops expired entries when the cache is full; true when there is room again.</summary>
    private bool SweepExpired(long now)
    {
        foreach (var (secretHash, entry) in _bySecretHash)
        {
            if (entry.ExpiresAt <= now)
            {
                Remove(secretHash, entry);
            }
        }

        return Volatile.Read(ref _count) < _maxEntries;
    }

    private sealed record Entry(DeviceIdentity Identity, long ExpiresAt);

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
