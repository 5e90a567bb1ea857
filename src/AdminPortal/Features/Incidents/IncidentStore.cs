using System.Data.Common;
using AdminPortal.Features.Audit;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Infrastructure.LiveUpdates;
using Dapper;
using Microsoft.Extensions.Options;

namespace AdminPortal.Features.Incidents;

public enum IncidentQueue
{
    /// <summary>Everything in the person's scope.</summary>
    All,
    Mine,
    Unassigned,

    /// <summary>Open incidents in the last share of an SLA target, or past it.</summary>
    BreachingSoon,
}

public enum IncidentStatusFilter
{
    Open,
    Closed,
    Any,
}

public sealed record IncidentQuery
{
    public IncidentQueue Queue { get; init; }
    public IncidentStatusFilter Status { get; init; } = IncidentStatusFilter.Open;
    public IncidentSeverity? Severity { get; init; }
    public IncidentType? Type { get; init; }
    public Guid? MerchantId { get; init; }
    public int Skip { get; init; }
    public int Take { get; init; } = 25;
}

public sealed record IncidentPage(IReadOnlyList<Incident> Rows, long Total);

/// <summary>What a person fills in to report an incident.</summary>
public sealed record NewIncident(
    Guid MerchantId,
    string Title,
    IncidentType Type,
    IncidentSeverity Severity,
    string Description,
    IReadOnlyList<Guid>? DeviceIds = null,
    IReadOnlyList<Guid>? AlertIds = null);

/// <summary>An incident the portal opens by itself; <see cref="SourceKey"/> makes the source idempotent.</summary>
public sealed record AutomaticIncident(
    Guid MerchantId,
    IncidentSource Source,
    string SourceKey,
    string Title,
    IncidentType Type,
    IncidentSeverity Severity,
    string Description,
    IReadOnlyList<(IncidentLinkKind Kind, Guid TargetId, string Label)> Links,
    string? Comment = null,
    string? RepeatComment = null);

/// <summary>
/// The Incidents slice's C# API: reads and every change of an incident. Every call takes the caller's
/// <see cref="AccessScope"/> (a foreign id is "not found"); every change bumps the incident's version, appends its
/// timeline row and an audit entry in one transaction, then tells open pages through <see cref="ILiveUpdates"/>.
/// </summary>
public sealed class IncidentStore(
    IDbConnectionFactory db, IAuditLog audit, ILiveUpdates live, LinkTargets targets, IncidentDirectory directory, TimeProvider clock, IOptions<IncidentOptions> options)
{
    public const string AuditCategory = "incidents";

    internal const string Columns =
        "merchant_id AS MerchantId, id AS Id, title AS Title, type AS Type, severity AS Severity, status AS Status, source AS Source, " +
        "source_key AS SourceKey, description AS Description, reporter_id AS ReporterId, reporter_name AS ReporterName, " +
        "assignee_id AS AssigneeId, assignee_name AS AssigneeName, opened_at AS OpenedAt, updated_at AS UpdatedAt, " +
        "acknowledged_at AS AcknowledgedAt, closed_at AS ClosedAt, acknowledge_due_at AS AcknowledgeDueAt, resolve_due_at AS ResolveDueAt, " +
        "acknowledge_warn_at AS AcknowledgeWarnAt, resolve_warn_at AS ResolveWarnAt, acknowledge_breached_at AS AcknowledgeBreachedAt, " +
        "resolve_breached_at AS ResolveBreachedAt, escalation_level AS EscalationLevel, resolution_summary AS ResolutionSummary, " +
        "root_cause AS RootCause, version AS Version";

    private const string Insert =
        """
        INSERT INTO incidents (merchant_id, id, title, type, severity, status, source, source_key, description, reporter_id, reporter_name,
                               assignee_id, assignee_name, opened_at, updated_at, acknowledged_at, closed_at, acknowledge_due_at, resolve_due_at,
                               acknowledge_warn_at, resolve_warn_at, acknowledge_breached_at, resolve_breached_at, escalation_level,
                               resolution_summary, root_cause, version)
        VALUES (@MerchantId, @Id, @Title, @Type, @Severity, 0, @Source, @SourceKey, @Description, @ReporterId, @ReporterName,
                NULL, NULL, @Now, @Now, NULL, NULL, @AcknowledgeDueAt, @ResolveDueAt, @AcknowledgeWarnAt, @ResolveWarnAt, NULL, NULL, 0,
                NULL, NULL, 1)
        """;

    private const string AppendTimeline =
        """
        INSERT INTO incident_timeline (merchant_id, incident_id, position, at, kind, actor_id, actor_name, from_value, to_value, body)
        VALUES (@merchantId, @incidentId,
                (SELECT COALESCE(MAX(position), 0) + 1 FROM incident_timeline WHERE merchant_id = @merchantId AND incident_id = @incidentId),
                @at, @kind, @actorId, @actorName, @fromValue, @toValue, @body)
        """;

    private const string InsertLink =
        """
        INSERT INTO incident_links (merchant_id, incident_id, kind, target_id, label, linked_at, linked_by_name)
        VALUES (@merchantId, @incidentId, @kind, @targetId, @label, @now, @actorName)
        """;

    private IncidentOptions Options => options.Value;

    public async Task<IncidentPage> SearchAsync(AccessScope scope, IncidentQuery query, CancellationToken ct = default)
    {
        var (where, parameters) = Filter(scope, query);
        var order = query.Queue == IncidentQueue.BreachingSoon
            ? "CASE WHEN acknowledged_at IS NULL AND acknowledge_due_at < resolve_due_at THEN acknowledge_due_at ELSE resolve_due_at END, severity, id"
            : "severity, opened_at DESC, id";
        await using var connection = await db.OpenAsync(ct);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT count(*) FROM incidents WHERE {where}", parameters, cancellationToken: ct));
        parameters.Add("skip", query.Skip);
        parameters.Add("take", query.Take);
        var rows = await connection.QueryAsync<Incident>(new CommandDefinition(
            $"SELECT {Columns} FROM incidents WHERE {where} ORDER BY {order} LIMIT @take OFFSET @skip", parameters, cancellationToken: ct));
        return new IncidentPage(rows.AsList(), total);
    }

    /// <summary>Counts of open incidents per severity and how many are past an SLA deadline (the dashboard card).</summary>
    public async Task<(IReadOnlyDictionary<IncidentSeverity, long> BySeverity, long Breached)> OpenSummaryAsync(AccessScope scope, CancellationToken ct = default)
    {
        var (where, parameters) = Filter(scope, new IncidentQuery());
        parameters.Add("now", clock.GetUtcNow());
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<(long Severity, long Count)>(new CommandDefinition(
            $"SELECT CAST(severity AS bigint), count(*) FROM incidents WHERE {where} GROUP BY severity", parameters, cancellationToken: ct));
        var breached = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT count(*) FROM incidents WHERE {where} AND ((acknowledged_at IS NULL AND acknowledge_due_at <= @now) OR resolve_due_at <= @now)",
            parameters, cancellationToken: ct));
        return (rows.ToDictionary(r => (IncidentSeverity)r.Severity, r => r.Count), breached);
    }

    public async Task<Incident?> FindAsync(AccessScope scope, Guid incidentId, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        var incident = await connection.QuerySingleOrDefaultAsync<Incident>(new CommandDefinition(
            $"SELECT {Columns} FROM incidents WHERE id = @incidentId", new { incidentId }, cancellationToken: ct));
        return incident is not null && scope.CanSee(incident.MerchantId) ? incident : null;
    }

    public async Task<IReadOnlyList<TimelineEntry>> TimelineAsync(AccessScope scope, Guid incidentId, CancellationToken ct = default)
    {
        if (await FindAsync(scope, incidentId, ct) is not { } incident)
        {
            return [];
        }

        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<TimelineEntry>(new CommandDefinition(
            """
            SELECT position AS Position, at AS At, kind AS Kind, actor_id AS ActorId, actor_name AS ActorName, from_value AS FromValue,
                   to_value AS ToValue, body AS Body
              FROM incident_timeline WHERE merchant_id = @MerchantId AND incident_id = @Id ORDER BY position
            """, new { incident.MerchantId, incident.Id }, cancellationToken: ct));
        return rows.AsList();
    }

    public async Task<IReadOnlyList<IncidentLink>> LinksAsync(AccessScope scope, Guid incidentId, CancellationToken ct = default)
    {
        if (await FindAsync(scope, incidentId, ct) is not { } incident)
        {
            return [];
        }

        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<IncidentLink>(new CommandDefinition(
            """
            SELECT incident_id AS IncidentId, kind AS Kind, target_id AS TargetId, label AS Label, linked_at AS LinkedAt, linked_by_name AS LinkedByName
              FROM incident_links WHERE merchant_id = @MerchantId AND incident_id = @Id ORDER BY linked_at, kind, target_id
            """, new { incident.MerchantId, incident.Id }, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>Incidents of the merchant that link <paramref name="targetId"/> (a device or an alert), newest first.</summary>
    public async Task<IReadOnlyList<Incident>> LinkedToAsync(AccessScope scope, Guid merchantId, IncidentLinkKind kind, Guid targetId, CancellationToken ct = default)
    {
        if (!scope.CanSee(merchantId))
        {
            return [];
        }

        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<Incident>(new CommandDefinition(
            $"""
            SELECT {Columns} FROM incidents i
             WHERE i.merchant_id = @merchantId
               AND EXISTS (SELECT 1 FROM incident_links l
                            WHERE l.merchant_id = i.merchant_id AND l.incident_id = i.id AND l.kind = @kind AND l.target_id = @targetId)
             ORDER BY i.opened_at DESC, i.id
            """, new { merchantId, kind = (int)kind, targetId }, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>A person reports an incident (owners and staff of the merchant). Links must be the merchant's own devices/alerts.</summary>
    public async Task<(IncidentResult Result, Guid? IncidentId)> ReportAsync(AccessScope scope, IncidentActor actor, NewIncident input,
        CancellationToken ct = default)
    {
        if (!scope.CanSee(input.MerchantId))
        {
            return (IncidentResult.NotFound, null);
        }

        if (!IncidentWorkflow.CanParticipate(scope, input.MerchantId))
        {
            return (IncidentResult.Forbidden("Only the merchant's owners, its support agents and platform admins report incidents."), null);
        }

        var title = input.Title?.Trim() ?? "";
        var description = input.Description?.Trim() ?? "";
        if (title.Length == 0 || title.Length > IncidentWorkflow.MaxTitleLength)
        {
            return (IncidentResult.Invalid($"A title of 1 to {IncidentWorkflow.MaxTitleLength} characters is required."), null);
        }

        if (description.Length == 0 || description.Length > IncidentWorkflow.MaxTextLength)
        {
            return (IncidentResult.Invalid($"Describe what happened (at most {IncidentWorkflow.MaxTextLength} characters)."), null);
        }

        if (!Enum.IsDefined(input.Type) || !Enum.IsDefined(input.Severity))
        {
            return (IncidentResult.Invalid("Choose a type and a severity."), null);
        }

        if (IncidentWorkflow.CardNumberRefusal(title, description) is { } cardNumber)
        {
            return (IncidentResult.Invalid(cardNumber), null);
        }

        var links = new List<(IncidentLinkKind Kind, Guid TargetId, string Label)>();
        var requested = (input.DeviceIds ?? []).Select(id => (Kind: IncidentLinkKind.Device, Id: id))
            .Concat((input.AlertIds ?? []).Select(id => (Kind: IncidentLinkKind.FraudAlert, Id: id)));
        foreach (var (kind, targetId) in requested)
        {
            if (await targets.ResolveAsync(scope, kind, targetId, ct) is not { } target || target.MerchantId != input.MerchantId)
            {
                return (IncidentResult.Invalid("Only the merchant's own devices and alerts can be linked."), null);
            }

            links.Add((kind, targetId, target.Label));
        }

        var (id, _) = await OpenAsync(input.MerchantId, IncidentSource.Reported, null, title, input.Type, input.Severity, description, actor, links, null, ct);
        return (IncidentResult.Done, id);
    }

    /// <summary>
    /// Opens an incident for a security event unless one with the same <see cref="AutomaticIncident.SourceKey"/> exists
    /// (open or closed): the same event reported twice never opens two tickets. Returns the incident's id either way.
    /// </summary>
    public async Task<(Guid IncidentId, bool Created)> OpenAutomaticallyAsync(AutomaticIncident incident, IncidentActor? actor = null, CancellationToken ct = default)
    {
        if (await FindBySourceKeyAsync(incident.MerchantId, incident.SourceKey, ct) is { } existing)
        {
            if (incident.RepeatComment is { } note)
            {
                await CommentAsync(AccessScope.PlatformAdmin(Guid.Empty, IncidentActor.System.Name), IncidentActor.System, existing, note, ct);
            }

            return (existing, false);
        }

        try
        {
            return await OpenAsync(incident.MerchantId, incident.Source, incident.SourceKey, incident.Title, incident.Type, incident.Severity,
                incident.Description, actor ?? IncidentActor.System, incident.Links, incident.Comment, ct);
        }
        catch (DbException)
        {
            // Another instance may have opened it between the look-up and the insert: then that one stands.
            if (await FindBySourceKeyAsync(incident.MerchantId, incident.SourceKey, ct) is { } raced)
            {
                return (raced, false);
            }

            throw;
        }
    }

    private async Task<Guid?> FindBySourceKeyAsync(Guid merchantId, string sourceKey, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<Guid?>(new CommandDefinition(
            "SELECT id FROM incidents WHERE merchant_id = @merchantId AND source_key = @sourceKey ORDER BY opened_at LIMIT 1",
            new { merchantId, sourceKey }, cancellationToken: ct));
    }

    /// <summary>Inserts the incident with its first timeline rows; answers an existing incident of the same source key instead.</summary>
    private async Task<(Guid IncidentId, bool Created)> OpenAsync(Guid merchantId, IncidentSource source, string? sourceKey, string title, IncidentType type, IncidentSeverity severity,
        string description, IncidentActor actor, IReadOnlyList<(IncidentLinkKind Kind, Guid TargetId, string Label)> links, string? comment, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var id = Guid.NewGuid();
        var deadlines = SlaDeadlines.For(Options, severity, now);
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (sourceKey is not null)
        {
            // Checked again inside the transaction; two instances racing past it are stopped by the unique
            // (merchant_id, source_key) index, and the caller then returns the winner's incident.
            var existing = await connection.ExecuteScalarAsync<Guid?>(new CommandDefinition(
                "SELECT id FROM incidents WHERE merchant_id = @merchantId AND source_key = @sourceKey LIMIT 1",
                new { merchantId, sourceKey }, transaction, cancellationToken: ct));
            if (existing is { } found)
            {
                return (found, false);
            }
        }

        await connection.ExecuteAsync(new CommandDefinition(Insert, new
        {
            MerchantId = merchantId, Id = id, Title = title, Type = (int)type, Severity = (int)severity, Source = (int)source, SourceKey = sourceKey,
            Description = description, ReporterId = actor.PersonId, ReporterName = actor.Name, Now = now,
            deadlines.AcknowledgeDueAt, deadlines.ResolveDueAt, deadlines.AcknowledgeWarnAt, deadlines.ResolveWarnAt,
        }, transaction, cancellationToken: ct));
        var reference = IncidentText.Reference(id);
        await AppendAsync(connection, transaction, merchantId, id, now, TimelineKind.Opened, actor, null, IncidentText.Describe(IncidentStatus.New),
            $"{IncidentText.Describe(source)}: {IncidentText.Describe(type).ToLowerInvariant()}, {IncidentText.Describe(severity)}.", ct);
        foreach (var link in links.DistinctBy(l => (l.Kind, l.TargetId)))
        {
            await connection.ExecuteAsync(new CommandDefinition(InsertLink, new
            {
                merchantId, incidentId = id, kind = (int)link.Kind, targetId = link.TargetId, label = link.Label, now, actorName = actor.Name,
            }, transaction, cancellationToken: ct));
            await AppendAsync(connection, transaction, merchantId, id, now, TimelineKind.Linked, actor, null, link.Label, null, ct);
        }

        if (comment is not null)
        {
            await AppendAsync(connection, transaction, merchantId, id, now, TimelineKind.Comment, actor, null, null, comment, ct);
        }

        await audit.RecordAsync(new AuditEvent
        {
            Category = AuditCategory,
            Action = "incident.opened",
            Summary = $"{actor.Name} opened incident {reference} ({IncidentText.Describe(severity)}, {IncidentText.Describe(type).ToLowerInvariant()}): {title}",
            ActorId = actor.PersonId,
            ActorName = actor.Name,
            MerchantId = merchantId,
            TargetType = "incident",
            TargetId = id.ToString(),
        }, connection, transaction, ct);
        await transaction.CommitAsync(ct);
        live.Publish(merchantId, new IncidentChanged(merchantId, id, IncidentChange.Opened, reference));
        return (id, true);
    }

    /// <summary>Moves the incident through the workflow; see <see cref="IncidentWorkflow"/> for the rules.</summary>
    public Task<IncidentResult> TransitionAsync(AccessScope scope, IncidentActor actor, Guid incidentId, int expectedVersion, IncidentStatus to,
        string? resolutionSummary = null, string? rootCause = null, string? reason = null, CancellationToken ct = default) =>
        ChangeAsync(scope, actor, incidentId, expectedVersion, ct, incident =>
            IncidentWorkflow.Refusal(scope, incident.MerchantId, incident.Status, to, resolutionSummary, rootCause, reason) is not { } refusal
                ? null
                : IncidentWorkflow.NextStatuses(incident.Status).Contains(to) && !IncidentWorkflow.AllowedTransitions(scope, incident.MerchantId, incident.Status).Contains(to)
                    ? IncidentResult.Forbidden(refusal)
                    : IncidentResult.Invalid(refusal),
            async change =>
            {
                var incident = change.Incident;
                var closing = to == IncidentStatus.Closed;
                var reopening = IncidentWorkflow.IsReopen(incident.Status, to);
                await change.ExecuteAsync(
                    """
                    UPDATE incidents SET status = @to,
                           acknowledged_at = CASE WHEN acknowledged_at IS NULL AND @staff = 1 THEN @now ELSE acknowledged_at END,
                           closed_at = CASE WHEN @closing = 1 THEN @now WHEN @reopening = 1 THEN NULL ELSE closed_at END,
                           resolution_summary = CASE WHEN @closing = 1 THEN @resolutionSummary ELSE resolution_summary END,
                           root_cause = CASE WHEN @closing = 1 THEN @rootCause ELSE root_cause END
                     WHERE merchant_id = @merchantId AND id = @incidentId
                    """,
                    new
                    {
                        to = (int)to, staff = IncidentWorkflow.IsStaff(scope, incident.MerchantId) ? 1 : 0, closing = closing ? 1 : 0,
                        reopening = reopening ? 1 : 0, resolutionSummary = resolutionSummary?.Trim(), rootCause = rootCause?.Trim(),
                    });
                var body = closing
                    ? $"Resolution: {resolutionSummary!.Trim()}\nRoot cause: {rootCause!.Trim()}"
                    : reason?.Trim() is { Length: > 0 } why ? why : null;
                await change.TimelineAsync(TimelineKind.StatusChanged, IncidentText.Describe(incident.Status), IncidentText.Describe(to), body);
                var verb = closing ? "closed" : reopening ? "reopened" : $"moved to {IncidentText.Describe(to).ToLowerInvariant()}";
                await change.AuditAsync(closing ? "incident.closed" : reopening ? "incident.reopened" : "incident.status-changed",
                    $"{actor.Name} {verb} incident {incident.Reference}" + (closing ? $"; root cause: {rootCause!.Trim()}" : ""));
                return closing ? IncidentChange.Closed : IncidentChange.Updated;
            });

    /// <summary>Assigns to a staff member of the merchant (support agent or platform admin) or clears the assignee.</summary>
    public async Task<IncidentResult> AssignAsync(AccessScope scope, IncidentActor actor, Guid incidentId, int expectedVersion, Guid? assigneeId,
        CancellationToken ct = default)
    {
        var merchantId = (await FindAsync(scope, incidentId, ct))?.MerchantId;
        var candidates = merchantId is { } m ? await directory.AssigneesAsync(scope, m, ct) : [];
        var assignee = assigneeId is { } wanted ? candidates.FirstOrDefault(c => c.PersonId == wanted) : null;
        return await ChangeAsync(scope, actor, incidentId, expectedVersion, ct, incident =>
            !IncidentWorkflow.CanManage(scope, incident.MerchantId)
                ? IncidentResult.Forbidden("Only the merchant's support agents and platform admins assign incidents.")
                : incident.AssigneeId == assigneeId
                    ? IncidentResult.Invalid(assigneeId is null ? "The incident is already unassigned." : $"{incident.AssigneeName} already holds this incident.")
                    : assigneeId is not null && assignee is null
                        ? IncidentResult.Invalid("Incidents are assigned to the merchant's support agents or to platform admins.")
                        : null,
            async change =>
            {
                var incident = change.Incident;
                await change.ExecuteAsync(
                    """
                    UPDATE incidents SET assignee_id = @assigneeId, assignee_name = @assigneeName,
                           acknowledged_at = CASE WHEN acknowledged_at IS NULL AND @assigneeId IS NOT NULL THEN @now ELSE acknowledged_at END
                     WHERE merchant_id = @merchantId AND id = @incidentId
                    """, new { assigneeId = assignee?.PersonId, assigneeName = assignee?.Name });
                await change.TimelineAsync(TimelineKind.AssigneeChanged, incident.AssigneeName ?? "unassigned", assignee?.Name ?? "unassigned", null);
                await change.AuditAsync("incident.assigned",
                    $"{actor.Name} assigned incident {incident.Reference} to {assignee?.Name ?? "nobody"} (was {incident.AssigneeName ?? "unassigned"})");
                return IncidentChange.AssigneeChanged;
            });
    }

    /// <summary>Changes the severity; the SLA deadlines are recomputed from the opening time with the new targets.</summary>
    public Task<IncidentResult> ChangeSeverityAsync(AccessScope scope, IncidentActor actor, Guid incidentId, int expectedVersion, IncidentSeverity severity,
        string? reason, CancellationToken ct = default) =>
        ChangeAsync(scope, actor, incidentId, expectedVersion, ct, incident =>
            !IncidentWorkflow.CanManage(scope, incident.MerchantId)
                ? IncidentResult.Forbidden("Only the merchant's support agents and platform admins change the severity.")
                : !Enum.IsDefined(severity) || severity == incident.Severity
                    ? IncidentResult.Invalid("Choose a different severity.")
                    : !incident.IsOpen
                        ? IncidentResult.Invalid("Reopen the incident before changing its severity.")
                        : string.IsNullOrWhiteSpace(reason) || reason.Trim().Length > IncidentWorkflow.MaxTextLength
                            ? IncidentResult.Invalid("Say why the severity changes.")
                            : IncidentWorkflow.CardNumberRefusal(reason) is { } cardNumber
                                ? IncidentResult.Invalid(cardNumber)
                                : null,
            async change =>
            {
                var incident = change.Incident;
                var deadlines = SlaDeadlines.For(Options, severity, incident.OpenedAt);
                await change.ExecuteAsync(
                    """
                    UPDATE incidents SET severity = @severity, acknowledge_due_at = @AcknowledgeDueAt, resolve_due_at = @ResolveDueAt,
                           acknowledge_warn_at = @AcknowledgeWarnAt, resolve_warn_at = @ResolveWarnAt
                     WHERE merchant_id = @merchantId AND id = @incidentId
                    """, new { severity = (int)severity, deadlines.AcknowledgeDueAt, deadlines.ResolveDueAt, deadlines.AcknowledgeWarnAt, deadlines.ResolveWarnAt });
                await change.TimelineAsync(TimelineKind.SeverityChanged, IncidentText.Describe(incident.Severity), IncidentText.Describe(severity), reason!.Trim());
                await change.AuditAsync("incident.severity-changed",
                    $"{actor.Name} changed incident {incident.Reference} from {IncidentText.Describe(incident.Severity)} to {IncidentText.Describe(severity)}: {reason.Trim()}");
                return IncidentChange.Updated;
            });

    /// <summary>Links a device or fraud alert the caller has verified to be the incident merchant's own.</summary>
    public async Task<IncidentResult> LinkAsync(AccessScope scope, IncidentActor actor, Guid incidentId, int expectedVersion, IncidentLinkKind kind,
        Guid targetId, CancellationToken ct = default)
    {
        var target = await targets.ResolveAsync(scope, kind, targetId, ct);
        var label = target?.Label ?? "";
        return await ChangeAsync(scope, actor, incidentId, expectedVersion, ct, incident =>
            !IncidentWorkflow.CanManage(scope, incident.MerchantId)
                ? IncidentResult.Forbidden("Only the merchant's support agents and platform admins change links.")
                : target is null || target.MerchantId != incident.MerchantId
                    ? IncidentResult.Invalid("Only the incident merchant's own devices and alerts can be linked.")
                    : null,
            async change =>
            {
                var incident = change.Incident;
                var exists = await change.Connection.ExecuteScalarAsync<long>(new CommandDefinition(
                    "SELECT count(*) FROM incident_links WHERE merchant_id = @merchantId AND incident_id = @incidentId AND kind = @kind AND target_id = @targetId",
                    new { merchantId = incident.MerchantId, incidentId, kind = (int)kind, targetId }, change.Transaction, cancellationToken: ct));
                if (exists > 0)
                {
                    return null;
                }

                await change.ExecuteAsync(InsertLink, new { kind = (int)kind, targetId, label, actorName = actor.Name });
                await change.TimelineAsync(TimelineKind.Linked, null, label, null);
                await change.AuditAsync("incident.linked", $"{actor.Name} linked {label} to incident {incident.Reference}");
                return IncidentChange.Updated;
            });
    }

    public Task<IncidentResult> UnlinkAsync(AccessScope scope, IncidentActor actor, Guid incidentId, int expectedVersion, IncidentLinkKind kind, Guid targetId,
        CancellationToken ct = default) =>
        ChangeAsync(scope, actor, incidentId, expectedVersion, ct, incident =>
            !IncidentWorkflow.CanManage(scope, incident.MerchantId)
                ? IncidentResult.Forbidden("Only the merchant's support agents and platform admins change links.")
                : null,
            async change =>
            {
                var incident = change.Incident;
                var label = await change.Connection.ExecuteScalarAsync<string?>(new CommandDefinition(
                    "SELECT label FROM incident_links WHERE merchant_id = @merchantId AND incident_id = @incidentId AND kind = @kind AND target_id = @targetId",
                    new { merchantId = incident.MerchantId, incidentId, kind = (int)kind, targetId }, change.Transaction, cancellationToken: ct));
                if (label is null)
                {
                    return null;
                }

                await change.ExecuteAsync(
                    "DELETE FROM incident_links WHERE merchant_id = @merchantId AND incident_id = @incidentId AND kind = @kind AND target_id = @targetId",
                    new { kind = (int)kind, targetId });
                await change.TimelineAsync(TimelineKind.Unlinked, label, null, null);
                await change.AuditAsync("incident.unlinked", $"{actor.Name} removed {label} from incident {incident.Reference}");
                return IncidentChange.Updated;
            });

    /// <summary>A comment from the merchant's owners or staff; it lands in the timeline between the changes.</summary>
    public Task<IncidentResult> CommentAsync(AccessScope scope, IncidentActor actor, Guid incidentId, string? text, CancellationToken ct = default) =>
        ChangeAsync(scope, actor, incidentId, expectedVersion: null, ct, incident =>
            !IncidentWorkflow.CanParticipate(scope, incident.MerchantId)
                ? IncidentResult.Forbidden("Compliance officers read incidents; owners, support agents and platform admins comment.")
                : string.IsNullOrWhiteSpace(text) || text.Trim().Length > IncidentWorkflow.MaxTextLength
                    ? IncidentResult.Invalid($"Write a comment of at most {IncidentWorkflow.MaxTextLength} characters.")
                    : IncidentWorkflow.CardNumberRefusal(text) is { } cardNumber
                        ? IncidentResult.Invalid(cardNumber)
                        : null,
            async change =>
            {
                await change.TimelineAsync(TimelineKind.Comment, null, null, text!.Trim());
                await change.AuditAsync("incident.commented", $"{actor.Name} commented on incident {change.Incident.Reference}");
                return IncidentChange.Updated;
            });

    /// <summary>Records in the timeline a device command issued from the incident (the command itself is the Devices slice's).</summary>
    internal Task<IncidentResult> RecordDeviceActionAsync(AccessScope scope, IncidentActor actor, Guid incidentId, string what, CancellationToken ct) =>
        ChangeAsync(scope, actor, incidentId, expectedVersion: null, ct, _ => null, async change =>
        {
            await change.TimelineAsync(TimelineKind.DeviceAction, null, null, what);
            await change.AuditAsync("incident.device-action", $"{actor.Name} from incident {change.Incident.Reference}: {what}");
            return IncidentChange.Updated;
        });

    /// <summary>
    /// Records an SLA breach found by the escalation job: sets the breach time, raises the escalation level to platform
    /// admins and writes the timeline. Idempotent: a breach already recorded changes nothing.
    /// </summary>
    internal async Task<bool> RecordBreachAsync(Incident incident, bool acknowledge, DateTimeOffset now, CancellationToken ct)
    {
        var column = acknowledge ? "acknowledge_breached_at" : "resolve_breached_at";
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE incidents SET {column} = @now, escalation_level = 1, version = version + 1, updated_at = @now
             WHERE merchant_id = @MerchantId AND id = @Id AND {column} IS NULL AND status <> {(int)IncidentStatus.Closed}
            """, new { now, incident.MerchantId, incident.Id }, transaction, cancellationToken: ct));
        if (changed == 0)
        {
            return false;
        }

        var target = acknowledge ? "acknowledge" : "resolve";
        var due = acknowledge ? incident.AcknowledgeDueAt : incident.ResolveDueAt;
        var escalatedBefore = incident.EscalationLevel > 0;
        await AppendAsync(connection, transaction, incident.MerchantId, incident.Id, now, TimelineKind.SlaBreached, IncidentActor.System, null, target,
            $"The {IncidentText.Describe(incident.Severity)} time to {target} passed at {due:yyyy-MM-dd HH:mm} UTC.", ct);
        if (!escalatedBefore)
        {
            await AppendAsync(connection, transaction, incident.MerchantId, incident.Id, now, TimelineKind.Escalated, IncidentActor.System,
                "support agents", "platform admins", "Escalated to the platform admins after the SLA breach.", ct);
        }

        await audit.RecordAsync(new AuditEvent
        {
            Category = AuditCategory,
            Action = "incident.sla-breached",
            Outcome = AuditOutcome.Failure,
            Summary = $"Incident {incident.Reference} ({IncidentText.Describe(incident.Severity)}) missed its time to {target}"
                      + (escalatedBefore ? "." : "; escalated to platform admins."),
            ActorName = IncidentActor.System.Name,
            MerchantId = incident.MerchantId,
            TargetType = "incident",
            TargetId = incident.Id.ToString(),
        }, connection, transaction, ct);
        await transaction.CommitAsync(ct);
        live.Publish(incident.MerchantId, new IncidentChanged(incident.MerchantId, incident.Id, IncidentChange.Escalated, incident.Reference));
        return true;
    }

    /// <summary>One incident as the escalation job reads it (the portal itself, no person's scope).</summary>
    internal async Task<Incident?> FindForEscalationAsync(Guid merchantId, Guid incidentId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Incident>(new CommandDefinition(
            $"SELECT {Columns} FROM incidents WHERE merchant_id = @merchantId AND id = @incidentId", new { merchantId, incidentId }, cancellationToken: ct));
    }

    /// <summary>Open incidents with a deadline passed and not yet recorded as breached, oldest deadline first.</summary>
    internal async Task<IReadOnlyList<Incident>> UnrecordedBreachesAsync(DateTimeOffset now, int take, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<Incident>(new CommandDefinition(
            $"""
            SELECT {Columns} FROM incidents
             WHERE status <> {(int)IncidentStatus.Closed}
               AND ((acknowledged_at IS NULL AND acknowledge_breached_at IS NULL AND acknowledge_due_at <= @now)
                    OR (resolve_breached_at IS NULL AND resolve_due_at <= @now))
             ORDER BY acknowledge_due_at, id LIMIT @take
            """, new { now, take }, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>Rows for the metrics: incidents of the scope opened since <paramref name="since"/>.</summary>
    public async Task<IReadOnlyList<Incident>> OpenedSinceAsync(AccessScope scope, Guid? merchantId, DateTimeOffset since, CancellationToken ct = default)
    {
        var (where, parameters) = Filter(scope, new IncidentQuery { MerchantId = merchantId, Status = IncidentStatusFilter.Any });
        parameters.Add("since", since);
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<Incident>(new CommandDefinition(
            $"SELECT {Columns} FROM incidents WHERE {where} AND opened_at >= @since ORDER BY opened_at", parameters, cancellationToken: ct));
        return rows.AsList();
    }

    private async Task<IncidentResult> ChangeAsync(AccessScope scope, IncidentActor actor, Guid incidentId, int? expectedVersion, CancellationToken ct,
        Func<Incident, IncidentResult?> validate, Func<PendingChange, Task<IncidentChange?>> apply)
    {
        var incident = await FindAsync(scope, incidentId, ct);
        if (incident is null)
        {
            return IncidentResult.NotFound;
        }

        if (validate(incident) is { } refusal)
        {
            return refusal;
        }

        if (expectedVersion is { } expected && expected != incident.Version)
        {
            return IncidentResult.Conflict;
        }

        var now = clock.GetUtcNow();
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // The version bump comes first: it takes the row lock, and a change based on an older read matches nothing.
        var bumped = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE incidents SET version = version + 1, updated_at = @now WHERE merchant_id = @MerchantId AND id = @Id AND version = @Version",
            new { now, incident.MerchantId, incident.Id, incident.Version }, transaction, cancellationToken: ct));
        if (bumped == 0)
        {
            return IncidentResult.Conflict;
        }

        var change = new PendingChange(audit, connection, transaction, incident, actor, now, ct);
        if (await apply(change) is not { } kind)
        {
            // Nothing to do (e.g. the link already exists): leave the incident as it was.
            await transaction.RollbackAsync(ct);
            return IncidentResult.Done;
        }

        await transaction.CommitAsync(ct);
        live.Publish(incident.MerchantId, new IncidentChanged(incident.MerchantId, incident.Id, kind, incident.Reference));
        return IncidentResult.Done;
    }

    private static Task AppendAsync(DbConnection connection, DbTransaction transaction, Guid merchantId, Guid incidentId, DateTimeOffset at, TimelineKind kind,
        IncidentActor actor, string? fromValue, string? toValue, string? body, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(AppendTimeline, new
        {
            merchantId, incidentId, at, kind = (int)kind, actorId = actor.PersonId, actorName = actor.Name, fromValue, toValue, body,
        }, transaction, cancellationToken: ct));

    private (string Where, DynamicParameters Parameters) Filter(AccessScope scope, IncidentQuery query)
    {
        var where = new List<string>();
        var parameters = new DynamicParameters();
        where.Add(ScopeSql.Filter(scope, db.Dialect, parameters));

        if (query.MerchantId is { } merchantId)
        {
            where.Add("merchant_id = @merchantId");
            parameters.Add("merchantId", merchantId);
        }

        switch (query.Status)
        {
            case IncidentStatusFilter.Open:
                where.Add($"status <> {(int)IncidentStatus.Closed}");
                break;
            case IncidentStatusFilter.Closed:
                where.Add($"status = {(int)IncidentStatus.Closed}");
                break;
        }

        if (query.Severity is { } severity)
        {
            where.Add("severity = @severity");
            parameters.Add("severity", (int)severity);
        }

        if (query.Type is { } type)
        {
            where.Add("type = @type");
            parameters.Add("type", (int)type);
        }

        switch (query.Queue)
        {
            case IncidentQueue.Mine:
                where.Add("assignee_id = @me");
                parameters.Add("me", scope.PersonId ?? Guid.Empty);
                break;
            case IncidentQueue.Unassigned:
                where.Add("assignee_id IS NULL");
                break;
            case IncidentQueue.BreachingSoon:
                where.Add($"status <> {(int)IncidentStatus.Closed} AND ((acknowledged_at IS NULL AND acknowledge_warn_at <= @now) OR resolve_warn_at <= @now)");
                parameters.Add("now", clock.GetUtcNow());
                break;
        }

        return (where.Count == 0 ? "1 = 1" : string.Join(" AND ", where), parameters);
    }

    /// <summary>One change in flight: the incident as read, the open transaction, and helpers that write in it.</summary>
    private sealed class PendingChange(IAuditLog audit, DbConnection connection, DbTransaction transaction, Incident incident, IncidentActor actor,
        DateTimeOffset now, CancellationToken ct)
    {
        public Incident Incident => incident;
        public DbConnection Connection => connection;
        public DbTransaction Transaction => transaction;

        public Task ExecuteAsync(string sql, object values)
        {
            var parameters = new DynamicParameters(values);
            parameters.AddDynamicParams(new { merchantId = incident.MerchantId, incidentId = incident.Id, now });
            return connection.ExecuteAsync(new CommandDefinition(sql, parameters, transaction, cancellationToken: ct));
        }

        public Task TimelineAsync(TimelineKind kind, string? fromValue, string? toValue, string? body) =>
            AppendAsync(connection, transaction, incident.MerchantId, incident.Id, now, kind, actor, fromValue, toValue, body, ct);

        public Task AuditAsync(string action, string summary) => audit.RecordAsync(new AuditEvent
        {
            Category = AuditCategory,
            Action = action,
            Summary = summary,
            ActorId = actor.PersonId,
            ActorName = actor.Name,
            MerchantId = incident.MerchantId,
            TargetType = "incident",
            TargetId = incident.Id.ToString(),
        }, connection, transaction, ct);
    }
}

/// <summary>A person an incident can be assigned to.</summary>
public sealed record IncidentAssignee(Guid PersonId, string Name);
