using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using Dapper;

namespace AdminPortal.Features.Patching;

/// <summary>
/// One install attempt a terminal reported. <see cref="ReportId"/> is the idempotency key: the terminal's own id for
/// the report (or the check-in / command-ack event id it came in), so a retried request is recorded once.
/// </summary>
public sealed record InstallReport(
    Guid ReportId, Guid MerchantId, Guid DeviceId, PatchComponent Component, string Version, bool Succeeded,
    DateTimeOffset OccurredAt, string? Detail = null, Guid? PolicyId = null);

/// <summary>A stored install report.</summary>
public sealed class InstallRecord
{
    public Guid MerchantId { get; init; }
    public Guid Id { get; init; }
    public Guid DeviceId { get; init; }
    public PatchComponent Component { get; init; }
    public required string Version { get; init; }
    public bool Succeeded { get; init; }
    public string? Detail { get; init; }
    public Guid? PolicyId { get; init; }
    public DateTimeOffset OccurredAt { get; init; }
}

/// <summary>
/// The per-device install outcomes. The Devices slice calls <see cref="RecordAsync"/> from the check-in and from
/// command acknowledgements; rollout failure rates, compliance and patch latency are computed from these rows.
/// </summary>
public sealed class PatchInstallLedger(IDbConnectionFactory db, TimeProvider clock)
{
    private const string Columns =
        "merchant_id AS MerchantId, id AS Id, device_id AS DeviceId, component AS Component, version AS Version, succeeded AS Succeeded, " +
        "detail AS Detail, policy_id AS PolicyId, occurred_at AS OccurredAt";

    public const int MaxDetailLength = 500;

    /// <summary>Records the report; false when a report with the same id was already recorded (a retry).</summary>
    /// <exception cref="PatchingValidationException">The version is not a dotted numeric version or the component is unknown.</exception>
    public async Task<bool> RecordAsync(InstallReport report, CancellationToken ct = default)
    {
        var problems = new List<ValidationProblem>();
        if (!Enum.IsDefined(report.Component))
        {
            problems.Add(new("component", "Unknown component: use os, firmware or paymentApp."));
        }

        if (!PatchVersion.TryParse(report.Version, out var version, out var error))
        {
            problems.Add(new("version", error));
        }

        if (problems.Count > 0)
        {
            throw new PatchingValidationException(problems);
        }

        var detail = report.Detail is { Length: > MaxDetailLength } text ? text[..MaxDetailLength] : report.Detail;
        await using var connection = await db.OpenAsync(ct);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO patch_install_reports (merchant_id, id, device_id, component, version, succeeded, detail, policy_id, occurred_at, recorded_at)
            VALUES (@MerchantId, @ReportId, @DeviceId, @component, @version, @Succeeded, @detail, @PolicyId, @occurredAt, @now)
            {SqlDialect.OnConflictDoNothing("merchant_id, id")}
            """,
            new
            {
                report.MerchantId, report.ReportId, report.DeviceId, component = (int)report.Component, version = version!.Text, report.Succeeded,
                detail, report.PolicyId, occurredAt = report.OccurredAt.ToUniversalTime(), now = clock.GetUtcNow(),
            }, cancellationToken: ct));
        return inserted == 1;
    }

    /// <summary>Reports of a merchant's devices at or after <paramref name="since"/>, oldest first (scoped).</summary>
    public async Task<IReadOnlyList<InstallRecord>> ListAsync(AccessScope scope, Guid merchantId, DateTimeOffset since, CancellationToken ct = default)
    {
        if (!scope.CanSee(merchantId))
        {
            return [];
        }

        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<InstallRecord>(new CommandDefinition(
            $"SELECT {Columns} FROM patch_install_reports WHERE merchant_id = @merchantId AND occurred_at >= @since ORDER BY occurred_at, id",
            new { merchantId, since = since.ToUniversalTime() }, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>Reports of one device, newest first (for the device page panel).</summary>
    public async Task<IReadOnlyList<InstallRecord>> ListForDeviceAsync(AccessScope scope, Guid merchantId, Guid deviceId, int take = 50, CancellationToken ct = default)
    {
        if (!scope.CanSee(merchantId))
        {
            return [];
        }

        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<InstallRecord>(new CommandDefinition(
            $"SELECT {Columns} FROM patch_install_reports WHERE merchant_id = @merchantId AND device_id = @deviceId ORDER BY occurred_at DESC, id LIMIT @take",
            new { merchantId, deviceId, take = Math.Clamp(take, 1, 500) }, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>The latest report per component of one device (check-in path; the device's own merchant).</summary>
    public async Task<IReadOnlyList<LatestInstall>> LatestForDeviceAsync(Guid merchantId, Guid deviceId, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<InstallRecord>(new CommandDefinition(
            $"SELECT {Columns} FROM patch_install_reports WHERE merchant_id = @merchantId AND device_id = @deviceId ORDER BY occurred_at DESC, id",
            new { merchantId, deviceId }, cancellationToken: ct));
        return Latest(rows).GetValueOrDefault(deviceId) ?? [];
    }

    /// <summary>Latest report per device and component, from a list of reports.</summary>
    public static Dictionary<Guid, IReadOnlyList<LatestInstall>> Latest(IEnumerable<InstallRecord> records) =>
        records.GroupBy(r => r.DeviceId).ToDictionary(
            g => g.Key,
            g => (IReadOnlyList<LatestInstall>)g.GroupBy(r => r.Component)
                .Select(c => c.OrderByDescending(r => r.OccurredAt).ThenByDescending(r => r.Id).First())
                .Select(r => new LatestInstall(r.Component, r.Version, r.Succeeded, r.OccurredAt))
                .ToList());
}
