using System.Text.Json;
using AdminPortal.Features.Audit;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using Dapper;

namespace AdminPortal.Features.Patching;

public sealed record ReleaseQuery
{
    public PatchComponent? Component { get; init; }
    public ReleaseSeverity? Severity { get; init; }

    /// <summary>Matches version, CVE id, model or notes.</summary>
    public string? Text { get; init; }
    public int Skip { get; init; }
    public int Take { get; init; } = 25;
}

public sealed record Page<T>(IReadOnlyList<T> Rows, long Total);

/// <summary>
/// The platform-wide catalogue of OS, firmware and payment-app releases. Every signed-in person reads it (a merchant
/// needs it to write a policy); only platform admins add to it.
/// </summary>
public sealed class PatchReleaseCatalogue(IDbConnectionFactory db, IAuditLog audit, TimeProvider clock)
{
    private const string Columns =
        "id AS Id, component AS Component, version AS Version, severity AS Severity, released_at AS ReleasedAt, models AS Models, " +
        "cve_ids AS CveIds, notes AS Notes, created_by_name AS CreatedByName, created_at AS CreatedAt";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<PatchRelease> CreateAsync(AccessScope scope, PatchingActor actor, NewRelease release, CancellationToken ct = default)
    {
        if (!scope.IsPlatformAdmin)
        {
            throw new PatchingForbiddenException("Only platform admins add releases to the catalogue.");
        }

        var now = clock.GetUtcNow();
        var problems = ReleaseValidation.Validate(release, now).ToList();
        var version = PatchVersion.TryParse(release.Version, out var parsed) ? parsed.Text : release.Version;
        await using var connection = await db.OpenAsync(ct);
        if (problems.Count == 0 && await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT count(*) FROM patch_releases WHERE component = @component AND version = @version",
                new { component = (int)release.Component, version }, cancellationToken: ct)) > 0)
        {
            problems.Add(new("Version", $"{release.Component.Label()} {version} is already in the catalogue."));
        }

        if (problems.Count > 0)
        {
            throw new PatchingValidationException(problems);
        }

        var id = Guid.NewGuid();
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO patch_releases (id, component, version, severity, released_at, models, cve_ids, notes, created_by_id, created_by_name, created_at)
            VALUES (@id, @component, @version, @severity, @releasedAt, @models, @cveIds, @notes, @actorId, @actorName, @now)
            """,
            new
            {
                id, component = (int)release.Component, version, severity = (int)release.Severity, releasedAt = release.ReleasedAt.ToUniversalTime(),
                models = JsonSerializer.Serialize(release.Models, Json), cveIds = JsonSerializer.Serialize(release.CveIds, Json),
                notes = string.IsNullOrWhiteSpace(release.Notes) ? null : release.Notes.Trim(), actorId = actor.Id, actorName = actor.Name, now,
            },
            transaction, cancellationToken: ct));
        await audit.RecordAsync(new AuditEvent
        {
            Category = "patching",
            Action = "release.created",
            Summary = $"Added {release.Severity.ToString().ToLowerInvariant()} release {release.Component.Label()} {version} to the catalogue" +
                      (release.CveIds.Count > 0 ? $" ({string.Join(", ", release.CveIds)})." : "."),
            ActorId = actor.Id,
            ActorName = actor.Name,
            TargetType = "patch-release",
            TargetId = id.ToString(),
        }, connection, transaction, ct);
        await transaction.CommitAsync(ct);
        return (await GetAsync(id, ct))!;
    }

    public async Task<PatchRelease?> GetAsync(Guid id, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<ReleaseRow>(new CommandDefinition(
            $"SELECT {Columns} FROM patch_releases WHERE id = @id", new { id }, cancellationToken: ct));
        return row?.ToRelease();
    }

    public async Task<IReadOnlyList<PatchRelease>> GetManyAsync(IReadOnlyCollection<Guid> ids, CancellationToken ct = default)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<ReleaseRow>(new CommandDefinition(
            $"SELECT {Columns} FROM patch_releases WHERE {db.Dialect.AnyOf("id", "ids")}", new { ids = ids.Distinct().ToArray() }, cancellationToken: ct));
        return rows.Select(r => r.ToRelease()).ToList();
    }

    public async Task<Page<PatchRelease>> SearchAsync(ReleaseQuery query, CancellationToken ct = default)
    {
        var where = new List<string>();
        var parameters = new DynamicParameters();
        if (query.Component is { } component)
        {
            where.Add("component = @component");
            parameters.Add("component", (int)component);
        }

        if (query.Severity is { } severity)
        {
            where.Add("severity = @severity");
            parameters.Add("severity", (int)severity);
        }

        if (!string.IsNullOrWhiteSpace(query.Text))
        {
            where.Add($"(version {db.Dialect.ILike} @text OR cve_ids {db.Dialect.ILike} @text OR models {db.Dialect.ILike} @text OR notes {db.Dialect.ILike} @text)");
            parameters.Add("text", "%" + query.Text.Trim() + "%");
        }

        var filter = where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where);
        parameters.Add("skip", Math.Max(0, query.Skip));
        parameters.Add("take", Math.Clamp(query.Take, 1, 500));
        await using var connection = await db.OpenAsync(ct);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT count(*) FROM patch_releases {filter}", parameters, cancellationToken: ct));
        var rows = await connection.QueryAsync<ReleaseRow>(new CommandDefinition(
            $"SELECT {Columns} FROM patch_releases {filter} ORDER BY released_at DESC, component, version LIMIT @take OFFSET @skip", parameters, cancellationToken: ct));
        return new Page<PatchRelease>(rows.Select(r => r.ToRelease()).ToList(), total);
    }

    /// <summary>The whole catalogue, newest first (hundreds of rows at most: vendors ship a few releases a month).</summary>
    public async Task<IReadOnlyList<PatchRelease>> ListAllAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<ReleaseRow>(new CommandDefinition(
            $"SELECT {Columns} FROM patch_releases ORDER BY released_at DESC LIMIT 5000", cancellationToken: ct));
        return rows.Select(r => r.ToRelease()).ToList();
    }

    /// <summary>Releases of one component, newest first: the choices for a policy requirement.</summary>
    public async Task<IReadOnlyList<PatchRelease>> ListForComponentAsync(PatchComponent component, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<ReleaseRow>(new CommandDefinition(
            $"SELECT {Columns} FROM patch_releases WHERE component = @component ORDER BY released_at DESC LIMIT 200",
            new { component = (int)component }, cancellationToken: ct));
        return rows.Select(r => r.ToRelease()).ToList();
    }

    private sealed class ReleaseRow
    {
        public Guid Id { get; init; }
        public int Component { get; init; }
        public string Version { get; init; } = "";
        public int Severity { get; init; }
        public DateTimeOffset ReleasedAt { get; init; }
        public string Models { get; init; } = "[]";
        public string CveIds { get; init; } = "[]";
        public string? Notes { get; init; }
        public string CreatedByName { get; init; } = "";
        public DateTimeOffset CreatedAt { get; init; }

        public PatchRelease ToRelease() => new()
        {
            Id = Id,
            Component = (PatchComponent)Component,
            Version = Version,
            Severity = (ReleaseSeverity)Severity,
            ReleasedAt = ReleasedAt,
            Models = JsonSerializer.Deserialize<List<string>>(Models, Json) ?? [],
            CveIds = JsonSerializer.Deserialize<List<string>>(CveIds, Json) ?? [],
            Notes = Notes,
            CreatedByName = CreatedByName,
            CreatedAt = CreatedAt,
        };
    }
}
