using AdminPortal.Features.Devices.Commands;
using AdminPortal.Features.Devices.Tags;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using Dapper;

namespace AdminPortal.Features.Devices;

public enum DeviceSort
{
    LastSeen,
    Serial,
    Model,
    Status,
    AppVersion,
    Battery,
}

/// <summary>Filters of the device list; every one is optional and served by an index that starts with merchant_id.</summary>
public sealed record DeviceQuery
{
    public Guid? MerchantId { get; init; }
    public Guid? StoreId { get; init; }
    public string? Model { get; init; }
    public DeviceStatus? Status { get; init; }
    public bool? Online { get; init; }
    public TamperState? Tamper { get; init; }
    public string? OsVersion { get; init; }
    public string? AppVersion { get; init; }
    public DateTimeOffset? LastSeenBefore { get; init; }

    /// <summary>Devices carrying this tag (normalised as tags are stored; served by (merchant_id, tag)).</summary>
    public string? Tag { get; init; }

    /// <summary>Serial number prefix (case-insensitive: serials are stored upper-case).</summary>
    public string? Search { get; init; }

    public DeviceSort Sort { get; init; } = DeviceSort.LastSeen;
    public bool Descending { get; init; } = true;
    public int Skip { get; init; }
    public int Take { get; init; } = 25;

    /// <summary>
    /// The pager counts matches up to this many (or to the end of the requested page, if further). Counting every one of
    /// a merchant's devices cost 76–1,000 ms at a million, and even 10,000 matches cost up to 140 ms to count or to skip
    /// to (docs/BENCHMARKS.md); nobody pages through 40 pages of devices, they filter.
    /// </summary>
    public int CountLimit { get; init; } = DefaultCountLimit;

    public const int DefaultCountLimit = 1_000;
}

/// <summary>
/// One page of the device list. <see cref="Total"/> is exact unless <see cref="TotalIsLowerBound"/>: then more devices
/// match than were counted, and the list says so ("1,000+") instead of showing a number it does not know.
/// </summary>
public sealed record DevicePage(IReadOnlyList<DeviceListItem> Rows, long Total, bool TotalIsLowerBound = false);

public sealed class CountBy
{
    public required string Name { get; init; }
    public long Count { get; init; }
}

public sealed record DeviceSummary(long Total, long Online, long Offline, long Tampered, long OpenAlerts, IReadOnlyList<CountBy> ByModel, IReadOnlyList<CountBy> ByAppVersion);

/// <summary>
/// Reads devices for the portal and for other slices (Patching, Fraud, Incidents). Every method takes the reader's
/// <see cref="AccessScope"/>: a device outside it does not exist for them.
/// </summary>
public sealed class DeviceDirectory(IDbConnectionFactory db)
{
    /// <summary>The predicate of ix_devices_merchant_status_not_active, verbatim.</summary>
    internal const string NotActive = "status <> 1";

    private const string ListColumns =
        "merchant_id AS MerchantId, id AS Id, store_id AS StoreId, serial_number AS SerialNumber, model AS Model, status AS Status, " +
        "os_version AS OsVersion, firmware_version AS FirmwareVersion, app_version AS AppVersion, battery_percent AS BatteryPercent, " +
        "tamper_state AS TamperState, is_online AS IsOnline, last_seen_at AS LastSeenAt";

    private const string DetailColumns =
        "merchant_id AS MerchantId, id AS Id, store_id AS StoreId, serial_number AS SerialNumber, model AS Model, manufacturer AS Manufacturer, " +
        "status AS Status, os_version AS OsVersion, firmware_version AS FirmwareVersion, app_version AS AppVersion, battery_percent AS BatteryPercent, " +
        "network_type AS NetworkType, network_encrypted AS NetworkEncrypted, latitude AS Latitude, longitude AS Longitude, " +
        "location_accuracy_m AS LocationAccuracyMeters, distance_from_store_m AS DistanceFromStoreMeters, tamper_state AS TamperState, " +
        "tamper_detail AS TamperDetail, rooted AS Rooted, p2pe_keys_loaded AS P2peKeysLoaded, check_in_interval_seconds AS CheckInIntervalSeconds, " +
        "is_online AS IsOnline, enrolled_at AS EnrolledAt, last_seen_at AS LastSeenAt, created_at AS CreatedAt";

    public async Task<DevicePage> SearchAsync(AccessScope scope, DeviceQuery query, CancellationToken ct = default) =>
        (await SearchWithPageCommandAsync(scope, query, ct)).Page;

    /// <summary>
    /// <see cref="SearchAsync"/>, also returning the page query it ran (null when nothing can match), so that tests can
    /// ask the database how it executes exactly that statement.
    /// </summary>
    internal async Task<(DevicePage Page, CommandDefinition? PageCommand)> SearchWithPageCommandAsync(
        AccessScope scope, DeviceQuery query, CancellationToken ct = default)
    {
        var scopeFilter = DeviceAccess.MerchantFilter(scope, query.MerchantId, db.Dialect);
        if (scopeFilter is null)
        {
            return (new DevicePage([], 0), null);
        }

        // Each condition once as written (what the count uses) and once for the page of a common model or app version on
        // SQLite (see below), where the value's term carries a unary + so that SQLite does not serve it from an index.
        // On PostgreSQL a condition that names only columns device_presence has too can also be asked of device_presence.
        var where = new List<string> { scopeFilter.Sql };
        var whereForCommonValue = new List<string> { scopeFilter.Sql };
        var parameters = new DynamicParameters(scopeFilter.Parameters);
        var presenceAnswersAll = true;
        void Add(string condition, string name, object? value, string? forCommonValue = null, bool presenceAnswers = false)
        {
            where.Add(condition);
            whereForCommonValue.Add(forCommonValue ?? condition);
            parameters.Add(name, value);
            presenceAnswersAll &= presenceAnswers;
        }

        if (query.StoreId is { } storeId) Add("store_id = @storeId", "storeId", storeId);
        var model = Clean(query.Model);
        var appVersion = Clean(query.AppVersion);
        var filtersByValueIndex = model is not null || appVersion is not null;
        if (model is not null) Add("model = @model", "model", model, "+model = @model", presenceAnswers: true);
        if (query.Status is { } status)
        {
            // The ordered status index leaves out active devices (they check in all the time; migration 0076): the
            // extra term, written exactly as the index's own, lets both databases prove that the index applies.
            Add(status == DeviceStatus.Active ? "status = @status" : $"status = @status AND {NotActive}", "status", (int)status, presenceAnswers: true);
        }

        if (query.Online is { } online) Add("is_online = @online", "online", online, presenceAnswers: true);
        if (query.Tamper is { } tamper) Add("tamper_state = @tamper", "tamper", (int)tamper, presenceAnswers: true);
        if (Clean(query.OsVersion) is { } os) Add("os_version = @osVersion", "osVersion", os);
        if (appVersion is not null) Add("app_version = @appVersion", "appVersion", appVersion, "+app_version = @appVersion", presenceAnswers: true);
        if (query.LastSeenBefore is { } before)
        {
            Add("(last_seen_at < @lastSeenBefore OR last_seen_at IS NULL)", "lastSeenBefore", before, presenceAnswers: true);
        }

        if (Clean(query.Tag) is { } tag)
        {
            // The subquery repeats the scope so the (merchant_id, tag) index finds the tagged devices first.
            Add($"(merchant_id, id) IN (SELECT merchant_id, device_id FROM device_tags WHERE {scopeFilter.Sql} AND tag = @tag)",
                "tag", DeviceTagRules.Normalise(tag));
        }

        if (Clean(query.Search) is { } search)
        {
            Add(db.Dialect.StartsWith("serial_number", "serialPrefix"), "serialPrefix", db.Dialect.PrefixPattern(search.ToUpperInvariant()));
        }

        var isPostgres = db.Dialect.IsPostgres;
        var filter = string.Join(" AND ", where);
        var order = OrderBy(query.Sort, query.Descending);
        var (take, skip) = (Math.Clamp(query.Take, 1, 500), Math.Max(query.Skip, 0));
        parameters.Add("take", take);
        parameters.Add("skip", skip);

        // Count one past the limit: reaching it means "more than the limit", without walking the rest of the index.
        var countLimit = Math.Max(Math.Max(query.CountLimit, 1), skip + take);

        // The directory chooses the page's plan (below) from whether the matches are common enough to walk an ordered
        // index for this page: on SQLite for a model or app-version filter, on PostgreSQL for any page in last-contact
        // order. On deep pages that takes counting a little further, which is cheap (the count reads the value's index).
        var choosesPlan = isPostgres ? query.Sort == DeviceSort.LastSeen : filtersByValueIndex && OrderedIndexServes(query.Sort);
        var walkWhenMoreThan = choosesPlan ? Math.Max(countLimit, WalkMargin * (skip + take)) : countLimit;
        parameters.Add("countPastLimit", walkWhenMoreThan + 1);

        // On PostgreSQL last contact is indexed only in device_presence (migration 0082): a "not seen since" filter is
        // counted there when device_presence can answer every condition.
        var countsPresence = isPostgres && query.LastSeenBefore is not null && presenceAnswersAll;
        await using var connection = await db.OpenAsync(ct);
        var counted = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT count(*) FROM (SELECT 1 FROM {(countsPresence ? "device_presence" : "devices")} WHERE {filter} LIMIT @countPastLimit) AS matches",
            parameters, cancellationToken: ct));

        // The model and app-version indexes are (merchant_id, model) and (merchant_id, app_version) without last_seen_at
        // (migration 0078: a check-in no longer rewrites them), so they find a value's devices but not in list order. For
        // a rare value that is right: find the few matches, sort them. For a common one (more matches than the pager
        // counts, and at least WalkMargin times the rows up to the end of the page) sorting every match cost 139–363 ms
        // at a million devices (migration 0021's reason); reading the merchant's last-contact (or serial) index in order
        // and keeping the matches stops after about (skip + take) ÷ (the share of the merchant's devices that match)
        // entries, and the last-contact index carries model and app version so that only the page's rows are read from
        // the table. SQLite's planner cannot tell the two apart (without statistics it always walks the ordered index,
        // with sqlite_stat1 it knows only the average value), so on SQLite the directory tells it: a unary + keeps the
        // value's index out of a common value's page and the ordered index out of a rare one's.
        var pageSql = $"SELECT {ListColumns} FROM devices WHERE {filter} ORDER BY {order} LIMIT @take OFFSET @skip";
        if (choosesPlan && !isPostgres)
        {
            var common = counted > walkWhenMoreThan;
            pageSql = $"SELECT {ListColumns} FROM devices WHERE {(common ? string.Join(" AND ", whereForCommonValue) : filter)} " +
                      $"ORDER BY {(common ? order : "+" + order)} LIMIT @take OFFSET @skip";
        }
        else if (choosesPlan && (counted > walkWhenMoreThan || (presenceAnswersAll && query.LastSeenBefore is not null)))
        {
            // PostgreSQL, a common page in last-contact order: device_presence's indexes (which carry model, app version,
            // status and tamper state) are walked for it. When device_presence answers every condition, the page's ids come
            // from it alone and only those rows are read from devices; otherwise each row walked is joined to its device.
            // A rare page (no more matches than the count reached) is read from devices alone and sorted: joining every
            // match to its presence row cost more than the sort (700–800 ms for a rare app version, docs/BENCHMARKS.md);
            // unless it is a "not seen since" page, whose few matches only device_presence's index finds.
            var direction = query.Descending ? "DESC" : "ASC";
            pageSql = presenceAnswersAll
                ? $"SELECT {ListColumns} FROM devices JOIN (SELECT merchant_id AS page_merchant_id, device_id AS page_device_id, " +
                  $"last_seen_at AS page_last_seen_at FROM device_presence WHERE {filter} ORDER BY last_seen_at {direction}, device_id " +
                  "LIMIT @take OFFSET @skip) AS page ON page_merchant_id = merchant_id AND page_device_id = id " +
                  $"ORDER BY page_last_seen_at {direction}, id"
                : $"SELECT {ListColumns} FROM devices JOIN (SELECT merchant_id AS presence_merchant_id, device_id AS presence_device_id, " +
                  "last_seen_at AS presence_last_seen_at FROM device_presence) AS presence ON presence_merchant_id = merchant_id AND presence_device_id = id " +
                  $"WHERE {filter} ORDER BY presence_last_seen_at {direction}, id LIMIT @take OFFSET @skip";
        }

        var pageCommand = new CommandDefinition(pageSql, parameters, cancellationToken: ct);
        var rows = await connection.QueryRowsAsync<DeviceListItem>(pageCommand);
        var page = counted > countLimit ? new DevicePage(rows, countLimit, TotalIsLowerBound: true) : new DevicePage(rows, counted);
        return (page, pageCommand);
    }

    /// <summary>
    /// How many times the rows up to the end of the page a value must match before its page is read by walking an ordered
    /// index rather than sorting its matches. The walk reads about (skip + take) ÷ (the value's share) index entries, so on
    /// deep pages a value just past the pager's limit is cheaper sorted: at 333,000 devices, page 40 of a value on 1,279
    /// devices took 77 ms walked and 8 ms sorted, of a value on 5,032 devices 16 and 17 ms (docs/BENCHMARKS.md).
    /// </summary>
    internal const int WalkMargin = 4;

    /// <summary>Orders an index reads in (the merchant's last-contact and serial indexes); other sorts sort anyway.</summary>
    private static bool OrderedIndexServes(DeviceSort sort) => sort is DeviceSort.LastSeen or DeviceSort.Serial;

    public async Task<Device?> GetAsync(AccessScope scope, Guid deviceId, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        var device = await connection.QuerySingleOrDefaultAsync<Device>(new CommandDefinition(
            $"SELECT {DetailColumns} FROM devices WHERE id = @deviceId", new { deviceId }, cancellationToken: ct));
        if (device is null || !scope.CanSee(device.MerchantId))
        {
            return null;
        }

        var tags = await DeviceTagService.ReadForAsync(connection, device.MerchantId, device.Id, ct);
        device.Tags = tags.GetValueOrDefault(device.Id) ?? [];
        return device;
    }

    /// <summary>
    /// The merchant's terminals in service (active, locked, lost or stolen), for slices that evaluate a whole estate such
    /// as patch compliance. Pre-registered, retired and wiped devices run nothing that could be patched.
    /// </summary>
    public async Task<IReadOnlyList<Device>> ListInServiceAsync(AccessScope scope, Guid merchantId, CancellationToken ct = default)
    {
        if (!scope.CanSee(merchantId))
        {
            return [];
        }

        await using var connection = await db.OpenAsync(ct);
        // A merchant's whole estate (a rollout's audience), many network reads: rows read whole (BufferedRows).
        var devices = await connection.QueryRowsAsync<Device>(new CommandDefinition(
            $"SELECT {DetailColumns} FROM devices WHERE merchant_id = @merchantId AND status IN (1, 2, 3) ORDER BY serial_number",
            new { merchantId }, cancellationToken: ct));
        var tags = await DeviceTagService.ReadForAsync(connection, merchantId, null, ct);
        foreach (var device in devices)
        {
            device.Tags = tags.GetValueOrDefault(device.Id) ?? [];
        }

        return devices;
    }

    public async Task<IReadOnlyList<DeviceCheckInRecord>> ListCheckInsAsync(AccessScope scope, Guid merchantId, Guid deviceId, int take = 20, CancellationToken ct = default)
    {
        if (!scope.CanSee(merchantId))
        {
            return [];
        }

        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<DeviceCheckInRecord>(new CommandDefinition(
            """
            SELECT id AS Id, received_at AS ReceivedAt, os_version AS OsVersion, firmware_version AS FirmwareVersion, app_version AS AppVersion,
                   battery_percent AS BatteryPercent, network_type AS NetworkType, network_encrypted AS NetworkEncrypted,
                   latitude AS Latitude, longitude AS Longitude, tamper_state AS TamperState, tamper_detail AS TamperDetail, rooted AS Rooted
            FROM device_check_ins WHERE merchant_id = @merchantId AND device_id = @deviceId
            ORDER BY received_at DESC LIMIT @take
            """, new { merchantId, deviceId, take }, cancellationToken: ct));
        return rows.AsList();
    }

    public async Task<IReadOnlyList<DeviceCommand>> ListCommandsAsync(AccessScope scope, Guid merchantId, Guid deviceId, int take = 20, CancellationToken ct = default)
    {
        if (!scope.CanSee(merchantId))
        {
            return [];
        }

        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<DeviceCommand>(new CommandDefinition(
            """
            SELECT merchant_id AS MerchantId, id AS Id, device_id AS DeviceId, type AS Type, status AS Status, issued_by_id AS IssuedById,
                   issued_by_name AS IssuedByName, issued_at AS IssuedAt, expires_at AS ExpiresAt, delivered_at AS DeliveredAt,
                   completed_at AS CompletedAt, result_detail AS ResultDetail
            FROM device_commands WHERE merchant_id = @merchantId AND device_id = @deviceId
            ORDER BY issued_at DESC LIMIT @take
            """, new { merchantId, deviceId, take }, cancellationToken: ct));
        return rows.AsList();
    }

    public async Task<IReadOnlyList<DeviceAlert>> ListAlertsAsync(AccessScope scope, Guid merchantId, Guid deviceId, int take = 50, CancellationToken ct = default)
    {
        if (!scope.CanSee(merchantId))
        {
            return [];
        }

        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<DeviceAlert>(new CommandDefinition(
            """
            SELECT merchant_id AS MerchantId, id AS Id, device_id AS DeviceId, kind AS Kind, detail AS Detail, raised_at AS RaisedAt,
                   resolved_at AS ResolvedAt, resolved_by AS ResolvedBy
            FROM device_alerts WHERE merchant_id = @merchantId AND device_id = @deviceId
            ORDER BY raised_at DESC LIMIT @take
            """, new { merchantId, deviceId, take }, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>Figures for the dashboard: enrolled devices (not pending, retired or wiped) of the merchants in scope.</summary>
    public async Task<DeviceSummary> SummariseAsync(AccessScope scope, CancellationToken ct = default)
    {
        var scopeFilter = DeviceAccess.MerchantFilter(scope, null, db.Dialect);
        if (scopeFilter is null)
        {
            return new DeviceSummary(0, 0, 0, 0, 0, [], []);
        }

        var live = $"{scopeFilter.Sql} AND status IN (1, 2, 3)";
        await using var connection = await db.OpenAsync(ct);
        var counts = await connection.QuerySingleAsync<(long Total, long Online, long Tampered)>(new CommandDefinition(
            $"""
            SELECT count(*) AS Total,
                   coalesce(sum(CASE WHEN is_online = @online THEN 1 ELSE 0 END), 0) AS Online,
                   coalesce(sum(CASE WHEN tamper_state = 1 THEN 1 ELSE 0 END), 0) AS Tampered
            FROM devices WHERE {live}
            """, new DynamicParameters(scopeFilter.Parameters).With("online", true), cancellationToken: ct));
        var openAlerts = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT count(*) FROM device_alerts WHERE {scopeFilter.Sql} AND resolved_at IS NULL", scopeFilter.Parameters, cancellationToken: ct));
        var byModel = await connection.QueryAsync<CountBy>(new CommandDefinition(
            $"SELECT coalesce(model, '(unknown)') AS Name, count(*) AS Count FROM devices WHERE {live} GROUP BY model ORDER BY count(*) DESC LIMIT 5",
            scopeFilter.Parameters, cancellationToken: ct));
        var byVersion = await connection.QueryAsync<CountBy>(new CommandDefinition(
            $"SELECT coalesce(app_version, '(unknown)') AS Name, count(*) AS Count FROM devices WHERE {live} GROUP BY app_version ORDER BY count(*) DESC LIMIT 5",
            scopeFilter.Parameters, cancellationToken: ct));
        return new DeviceSummary(counts.Total, counts.Online, counts.Total - counts.Online, counts.Tampered, openAlerts, byModel.AsList(), byVersion.AsList());
    }

    private static string OrderBy(DeviceSort sort, bool descending)
    {
        var column = sort switch
        {
            DeviceSort.Serial => "serial_number",
            DeviceSort.Model => "model",
            DeviceSort.Status => "status",
            DeviceSort.AppVersion => "app_version",
            DeviceSort.Battery => "battery_percent",
            _ => "last_seen_at",
        };

        // The id breaks ties so that paging is stable.
        return $"{column} {(descending ? "DESC" : "ASC")}, id";
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
