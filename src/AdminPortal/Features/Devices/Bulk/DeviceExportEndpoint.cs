using System.Runtime.CompilerServices;
using AdminPortal.Features.Merchants;
using AdminPortal.Features.Merchants.Access;

namespace AdminPortal.Features.Devices.Bulk;

/// <summary><c>GET /devices/export.csv</c>: the device list as filtered on the page, scoped to the signed-in person.</summary>
public static class DeviceExportEndpoint
{
    /// <summary>Exports stop here; larger estates filter first (the page says how many match).</summary>
    public const int MaxRows = 200_000;
    private const int PageSize = 500;

    public static IEndpointRouteBuilder MapDeviceExport(this IEndpointRouteBuilder app)
    {
        app.MapGet("/devices/export.csv", ExportAsync).ExcludeFromDescription();
        return app;
    }

    private static async Task ExportAsync(
        HttpContext http, DeviceDirectory devices, MerchantDirectory merchants, TimeProvider clock,
        Guid? merchant, Guid? store, string? status, bool? online, string? tamper, string? model, string? os, string? app, string? search, string? tag)
    {
        var ct = http.RequestAborted;
        var (scope, _) = await Pages.PortalUser.ResolveAsync(http.User, http.RequestServices, ct);
        var query = new DeviceQuery
        {
            MerchantId = merchant, StoreId = store, Online = online, Model = model, OsVersion = os, AppVersion = app, Search = search, Tag = tag,
            Status = Enum.TryParse<DeviceStatus>(status, out var s) ? s : null,
            Tamper = Enum.TryParse<TamperState>(tamper, out var t) ? t : null,
            Sort = DeviceSort.Serial, Descending = false, Take = PageSize,
        };

        var merchantNames = (await merchants.ListMerchantsAsync(ct)).Where(m => scope.CanSee(m.Id)).ToDictionary(m => m.Id, m => m.Name);
        var storeNames = new Dictionary<Guid, string>();
        foreach (var id in merchantNames.Keys)
        {
            foreach (var st in await merchants.ListStoresAsync(id, ct))
            {
                storeNames[st.Id] = st.Name;
            }
        }

        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"devices-{clock.GetUtcNow():yyyyMMdd-HHmm}.csv\"";
        await using var writer = new StreamWriter(http.Response.Body, new System.Text.UTF8Encoding(false));
        await DeviceCsv.WriteAsync(writer, Rows(devices, scope, query, ct), id => merchantNames.GetValueOrDefault(id, ""),
            id => storeNames.GetValueOrDefault(id, ""), ct);
    }

    private static async IAsyncEnumerable<DeviceListItem> Rows(
        DeviceDirectory devices, AccessScope scope, DeviceQuery query, [EnumeratorCancellation] CancellationToken ct)
    {
        for (var skip = 0; skip < MaxRows; skip += PageSize)
        {
            var page = await devices.SearchAsync(scope, query with { Skip = skip }, ct);
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
