using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Infrastructure.LiveUpdates;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace AdminPortal.Features.Devices;

/// <summary>
/// Turns a presented bearer secret into the device it belongs to. Every device API request asks, so identities are kept
/// in memory for <see cref="DeviceOptions.IdentityCacheSeconds"/>: a query per request was the largest cost of a
/// check-in after the write itself. A cached identity never outlives a change that must refuse or alter it: the code
/// that retires, wipes, locks, unlocks, reports lost or re-enrolls a device calls <see cref="Forget"/> right after its
/// commit, and other portal instances forget on the <see cref="DeviceChanged"/> message it publishes (the lifetime
/// bounds what a lost message could leave behind).
/// A terminal that checks in every few minutes is rarely still cached, so misses are the common case in a real estate.
/// On PostgreSQL concurrent misses share one query (<c>secret_hash = ANY(…)</c>) instead of each taking a pooled
/// connection and a round trip of its own. A miss never waits for a timer: it starts a lookup itself unless as many are
/// running as the machine has cores (at least two, so the lookups never become one serial stage beside the writer),
/// and is otherwise taken by the next group of a running one, the way the group-commit writer batches check-ins.
/// On SQLite a miss is looked up inline (see <see cref="AuthenticateAsync"/>).
/// </summary>
public sealed class DeviceCredentials : IDisposable
{
    // Looked up by hash on the unique index; a hash cannot be reversed into a usable secret if the table leaks.
    private const string FindBySecretHashesTemplate =
        """
        SELECT secret_hash AS SecretHash, merchant_id AS MerchantId, id AS DeviceId, store_id AS StoreId, serial_number AS SerialNumber,
               status AS Status, check_in_interval_seconds AS CheckInIntervalSeconds
        FROM devices WHERE {0}
        """;

    // Bounds one query's parameter list (SQLite expands the IN list into one parameter per hash).
    private const int MaxHashesPerLookup = 256;

    private readonly IDbConnectionFactory _db;
    private readonly long _lifetimeMs;
    private readonly int _maxEntries;
    private readonly ConcurrentDictionary<string, Entry> _bySecretHash = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, string> _secretHashOfDevice = new();
    private readonly string _findBySecretHashes;
    // SQLite: the lookup stays prepared on a few connections of its own (see SqlitePreparedQuery); null on PostgreSQL.
    private readonly SqlitePreparedQuery? _sqliteLookup;
    private readonly ConcurrentQueue<PendingLookup> _misses = new();
    private static readonly int MaxConcurrentLookups = Math.Max(2, Environment.ProcessorCount);
    private int _lookupsRunning;
    private int _count;

    // Bumped by every Forget: a lookup that started before a change does not cache what it read (it may predate the change).
    private long _generation;

    // For operators, beside the check-in writer's measures (meter AdminPortal.CheckIns): a slow check-in whose terminal was
    // not cached spent its time either waiting for a lookup to start or in the lookup's query.
    private readonly Histogram<double>? _missWait;
    private readonly Histogram<double>? _lookupDuration;
    private readonly Histogram<int>? _lookupSize;

    public DeviceCredentials(IDbConnectionFactory db, IOptions<DeviceOptions> options, ILiveUpdates live, IMeterFactory? meters = null)
    {
        _db = db;
        if (meters?.Create(CheckIns.CheckInMetrics.MeterName) is { } meter)
        {
            _missWait = meter.CreateHistogram<double>("adminportal.device.credential.miss.duration", "s",
                "Time a device request whose credential was not cached waited for its identity");
            _lookupDuration = meter.CreateHistogram<double>("adminportal.device.credential.lookup.duration", "s",
                "Time one query for a group of uncached credentials took, connection included");
            _lookupSize = meter.CreateHistogram<int>("adminportal.device.credential.lookup.size", "{credential}",
                "Uncached credentials looked up by one query");
        }

        _findBySecretHashes = string.Format(System.Globalization.CultureInfo.InvariantCulture, FindBySecretHashesTemplate,
            db.Dialect.AnyOf("secret_hash", "secretHashes"));
        _sqliteLookup = db.Dialect.IsPostgres
            ? null
            : new SqlitePreparedQuery(db, string.Format(System.Globalization.CultureInfo.InvariantCulture, FindBySecretHashesTemplate, "secret_hash = $secretHash"),
                "$secretHash");
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

        var pending = new PendingLookup(secretHash);
        var missedAt = _missWait?.Enabled == true ? Stopwatch.GetTimestamp() : 0;
        if (!_db.Dialect.IsPostgres)
        {
            // SQLite answers in-process without a round trip: sharing a query saved no CPU there, and handing the
            // answer to another thread cost each request a thread-pool hop (fewer check-ins/s on busy cores).
            await LookUpAsync([pending]);
        }
        else
        {
            _misses.Enqueue(pending);
            StartLookupIfRoom();
        }

        var identity = await pending.Completion.Task.WaitAsync(ct);
        if (missedAt != 0)
        {
            _missWait!.Record(Stopwatch.GetElapsedTime(missedAt).TotalSeconds);
        }

        return identity;
    }

    /// <summary>Starts a lookup for the queued misses unless enough are running (they take the queued misses in turn).</summary>
    private void StartLookupIfRoom()
    {
        while (true)
        {
            var running = Volatile.Read(ref _lookupsRunning);
            if (running >= MaxConcurrentLookups)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _lookupsRunning, running + 1, running) == running)
            {
                // Runs on this request's thread until it first yields (its first group takes the misses queued so far).
                _ = RunLookupsAsync();
                return;
            }
        }
    }

    /// <summary>Looks up queued misses, a group per query, until none is left.</summary>
    private async Task RunLookupsAsync()
    {
        var group = new List<PendingLookup>();
        var groups = 0;
        while (true)
        {
            group.Clear();
            while (group.Count < MaxHashesPerLookup && _misses.TryDequeue(out var pending))
            {
                group.Add(pending);
            }

            if (group.Count == 0)
            {
                Interlocked.Decrement(ref _lookupsRunning);
                // A miss queued between the empty dequeue and the decrement may have found no room and relied on this
                // lookup: start one for it (a miss queued after the decrement finds room itself).
                if (!_misses.IsEmpty)
                {
                    StartLookupIfRoom();
                }

                return;
            }

            if (++groups == 2)
            {
                // The first group ran on the thread of the request that started the lookup (on SQLite it never
                // yields): the next ones run on the thread pool, so that request goes on with its answer at once.
                await Task.Yield();
            }

            try
            {
                await LookUpAsync(group);
            }
            catch (Exception ex)
            {
                // Each waiting request fails as its own query would have; the next group gets a fresh connection.
                foreach (var pending in group)
                {
                    pending.Completion.TrySetException(ex);
                }
            }
        }
    }

    private async Task LookUpAsync(List<PendingLookup> group)
    {
        // Read before the query: a Forget while it runs makes what it read too old to cache (see Remember).
        var generation = Interlocked.Read(ref _generation);
        var secretHashes = group.Select(p => p.SecretHash).Distinct(StringComparer.Ordinal).ToArray();
        var startedAt = Stopwatch.GetTimestamp();
        Dictionary<string, IdentityRow> rows;
        // The lookup runs for every terminal not cached, so its statement is prepared, not parsed and planned each time.
        if (_sqliteLookup is { } prepared)
        {
            // One credential per lookup on SQLite (a miss is looked up inline, see AuthenticateAsync).
            rows = new Dictionary<string, IdentityRow>(StringComparer.Ordinal);
            foreach (var secretHash in secretHashes)
            {
                if (await prepared.RunAsync([secretHash], ReadIdentity) is { } row)
                {
                    rows[secretHash] = row;
                }
            }
        }
        else
        {
            await using (var connection = await _db.OpenForRepeatedStatementsAsync(CancellationToken.None))
            {
                // Not cancelled by any one request: the query answers the others too (each waits with its own token).
                // A group's rows (up to 256, ~40 KB) span several network reads: each row is read whole first (BufferedRows).
                rows = (await connection.QueryRowsAsync<IdentityRow>(new CommandDefinition(_findBySecretHashes, new { secretHashes })))
                    .ToDictionary(r => r.SecretHash, StringComparer.Ordinal);
            }
        }

        _lookupDuration?.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds);
        _lookupSize?.Record(secretHashes.Length);

        var now = Environment.TickCount64;
        var identities = new Dictionary<string, DeviceIdentity?>(secretHashes.Length, StringComparer.Ordinal);
        foreach (var secretHash in secretHashes)
        {
            DeviceIdentity? identity = null;
            if (rows.TryGetValue(secretHash, out var row) && row.Status is not (DeviceStatus.Retired or DeviceStatus.Wiped or DeviceStatus.Pending))
            {
                identity = new DeviceIdentity(row.MerchantId, row.DeviceId, row.StoreId, row.SerialNumber, row.Status, row.CheckInIntervalSeconds);
                Remember(secretHash, identity, generation, now);
            }

            identities[secretHash] = identity;
        }

        foreach (var pending in group)
        {
            pending.Completion.TrySetResult(identities[pending.SecretHash]);
        }
    }

    private static IdentityRow? ReadIdentity(SqliteDataReader reader) => reader.Read()
        ? new IdentityRow
        {
            SecretHash = reader.GetString(0), MerchantId = reader.GetGuid(1), DeviceId = reader.GetGuid(2), StoreId = reader.GetGuid(3),
            SerialNumber = reader.GetString(4), Status = (DeviceStatus)reader.GetInt32(5), CheckInIntervalSeconds = reader.GetInt32(6),
        }
        : null;

    public void Dispose() => _sqliteLookup?.Dispose();

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

    private sealed class PendingLookup(string secretHash)
    {
        public string SecretHash { get; } = secretHash;

        public TaskCompletionSource<DeviceIdentity?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class IdentityRow
    {
        public string SecretHash { get; init; } = "";
        public Guid MerchantId { get; init; }
        public Guid DeviceId { get; init; }
        public Guid StoreId { get; init; }
        public string SerialNumber { get; init; } = "";
        public DeviceStatus Status { get; init; }
        public int CheckInIntervalSeconds { get; init; }
    }
}
