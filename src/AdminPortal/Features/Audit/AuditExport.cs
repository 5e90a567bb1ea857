using System.Globalization;
using System.Runtime.CompilerServices;
using AdminPortal.Features.Merchants.Access;
using CsvHelper;
using CsvHelper.Configuration;

namespace AdminPortal.Features.Audit;

/// <summary>What an audit reader may read: platform admins everything, compliance officers their merchants' entries.</summary>
public static class AuditReader
{
    public static AuditQuery QueryFor(AccessScope scope, string? category, string? text, DateOnly? from, DateOnly? toInclusive) => new()
    {
        MerchantIds = scope.MerchantsWith(MerchantRole.ComplianceOfficer),
        IncludePlatformEvents = scope.IsPlatformAdmin,
        Category = string.IsNullOrWhiteSpace(category) ? null : category,
        Text = string.IsNullOrWhiteSpace(text) ? null : text,
        From = from is { } f ? new DateTimeOffset(f.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null,
        To = toInclusive is { } t ? new DateTimeOffset(t.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null,
    };
}

/// <summary>
/// <c>GET /audit/export.csv?category=&amp;text=&amp;from=yyyy-MM-dd&amp;to=yyyy-MM-dd</c>: the audit entries the page shows
/// with the same filters, newest first, with their chain hashes and the id of the audit key that sealed each (checking a seal needs that key).
/// </summary>
public static class AuditExportEndpoint
{
    /// <summary>Exports stop here; longer periods are exported in parts (the date filters).</summary>
    public const int MaxRows = 500_000;
    private const int PageSize = 500;

    public static IEndpointRouteBuilder MapAuditExport(this IEndpointRouteBuilder app)
    {
        app.MapGet("/audit/export.csv", ExportAsync).RequireAuthorization(AuditModule.AuditPolicy).ExcludeFromDescription();
        return app;
    }

    private static async Task ExportAsync(HttpContext http, IAuditLog audit, IAccessScopeProvider scopes, TimeProvider clock,
        string? category, string? text, DateOnly? from, DateOnly? to)
    {
        var ct = http.RequestAborted;
        var query = AuditReader.QueryFor(await scopes.GetAsync(http.User, ct), category, text, from, to);
        // Pinned to the entries written before the export starts, so paging is not shifted by entries arriving meanwhile.
        var startedAt = clock.GetUtcNow();
        query = query with { To = query.To is { } until && until < startedAt ? until : startedAt };
        await audit.RecordAsync(new AuditEvent
        {
            Category = "compliance",
            Action = "audit.exported",
            Summary = $"Exported the audit log as CSV (category {category ?? "any"}, text {text ?? "any"}, {from?.ToString("O") ?? "start"} to {to?.ToString("O") ?? "now"}).",
            ActorId = Guid.TryParse(http.User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value, out var personId) ? personId : null,
            ActorName = http.User.Identity?.Name,
            IpAddress = http.Connection.RemoteIpAddress?.ToString(),
            UserAgent = http.Request.Headers.UserAgent.ToString(),
        }, ct);

        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"audit-log-{clock.GetUtcNow():yyyyMMdd-HHmm}.csv\"";
        await using var writer = new StreamWriter(http.Response.Body, new System.Text.UTF8Encoding(false));
        await using var csv = new CsvWriter(writer, new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            // A summary such as "=HYPERLINK(...)" is written as text, never run by a spreadsheet.
            InjectionOptions = InjectionOptions.Escape,
        });
        foreach (var header in new[] { "seq", "occurredAt", "category", "action", "outcome", "actor", "actorId", "merchantId", "targetType", "targetId", "summary", "ipAddress", "prevHash", "hash", "keyId" })
        {
            csv.WriteField(header);
        }

        await csv.NextRecordAsync();
        await foreach (var row in RowsAsync(audit, query, ct))
        {
            csv.WriteField(row.Seq);
            csv.WriteField(row.OccurredAt.ToString("O", CultureInfo.InvariantCulture));
            csv.WriteField(row.Category);
            csv.WriteField(row.Action);
            csv.WriteField(row.Outcome.ToString());
            csv.WriteField(row.ActorName);
            csv.WriteField(row.ActorId?.ToString());
            csv.WriteField(row.MerchantId?.ToString());
            csv.WriteField(row.TargetType);
            csv.WriteField(row.TargetId);
            csv.WriteField(row.Summary);
            csv.WriteField(row.IpAddress);
            csv.WriteField(row.PrevHash);
            csv.WriteField(row.Hash);
            csv.WriteField(row.KeyId);
            await csv.NextRecordAsync();
        }
    }

    private static async IAsyncEnumerable<AuditRecord> RowsAsync(IAuditLog audit, AuditQuery query, [EnumeratorCancellation] CancellationToken ct)
    {
        for (var skip = 0; skip < MaxRows; skip += PageSize)
        {
            var page = await audit.SearchAsync(query with { Skip = skip, Take = PageSize }, ct);
            foreach (var row in page.Rows)
            {
                yield return row;
            }

            if (page.Rows.Count < PageSize)
            {
                yield break;
            }
        }
    }
}
