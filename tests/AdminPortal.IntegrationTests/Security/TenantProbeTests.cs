using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using Dapper;
using Microsoft.AspNetCore.Routing;

namespace AdminPortal.IntegrationTests.Security;

/// <summary>
/// Enumerates every page and endpoint the running portal maps (so a new page cannot be missed), then asks each one,
/// as each role of merchant "Home", for merchant "Zebra"'s data: with Zebra's ids in every route parameter and on
/// parameterless routes too. Nothing of Zebra may come back, and a foreign id must never answer 200.
/// </summary>
public sealed partial class TenantProbeTests
{
    private static readonly string[] ZebraMarkers = ["Zebra Foreign Merchant", "ZEBRA-9999", "Zebra Secret Store"];

    [Theory, BothDatabases]
    public async Task No_page_or_endpoint_shows_another_merchants_data_to_any_role(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        var (home, _) = await portal.CreateMerchantAsync("Home Merchant", "HOME-0001", "Home Store");
        var (zebra, _) = await portal.CreateMerchantAsync("Zebra Foreign Merchant", "ZEBRA-9999", "Zebra Secret Store");
        var clients = new Dictionary<string, HttpClient>();
        foreach (var role in new[] { MerchantRole.Owner, MerchantRole.ComplianceOfficer, MerchantRole.SupportAgent })
        {
            var person = await portal.CreatePersonAsync($"{role.ToString().ToLowerInvariant()}@home.example");
            await portal.GrantRoleAsync(home.Id, person.Id, role);
            clients[role.ToString()] = await portal.SignedInClientAsync(person, freshStepUp: true);
        }

        var foreignIds = await ForeignIdsAsync(portal, zebra.Id);
        var routes = RouteTemplates(portal).ToList();
        Assert.Contains("merchants/{MerchantId:guid}", routes.Select(r => r.Template));

        var failures = new List<string>();
        var probes = 0;
        foreach (var (template, methods) in routes)
        {
            foreach (var url in Urls(template, foreignIds))
            {
                foreach (var (role, client) in clients)
                {
                    foreach (var method in methods)
                    {
                        probes++;
                        using var request = new HttpRequestMessage(new HttpMethod(method), url);
                        if (method != "GET")
                        {
                            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
                        }

                        using var response = await client.SendAsync(request);
                        var body = await response.Content.ReadAsStringAsync();
                        if (ZebraMarkers.FirstOrDefault(m => body.Contains(m, StringComparison.OrdinalIgnoreCase)) is { } leak)
                        {
                            failures.Add($"{role} {method} {url}: shows \"{leak}\"");
                        }

                        if (url != "/" + template && response.StatusCode == HttpStatusCode.OK)
                        {
                            failures.Add($"{role} {method} {url}: answers 200 for a foreign id");
                        }
                    }
                }
            }
        }

        Assert.True(probes > 30, $"Only {probes} probes ran: the route enumeration is broken.");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    /// <summary>Every id of the foreign merchant's rows, from every table that carries merchant_id.</summary>
    private static async Task<IReadOnlyList<string>> ForeignIdsAsync(PortalHost portal, Guid merchantId)
    {
        var db = portal.GetService<IDbConnectionFactory>();
        await using var connection = await db.OpenAsync();
        var tables = db.Dialect.IsPostgres
            ? await connection.QueryAsync<string>("SELECT table_name FROM information_schema.columns WHERE column_name = 'merchant_id' AND table_schema = 'public'")
            : await connection.QueryAsync<string>("SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND p.name = 'merchant_id'");
        var ids = new HashSet<string> { merchantId.ToString("D") };
        foreach (var table in tables.Distinct())
        {
            var hasId = db.Dialect.IsPostgres
                ? await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM information_schema.columns WHERE table_name = @table AND column_name = 'id'", new { table }) > 0
                : await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM pragma_table_info(@table) WHERE name = 'id'", new { table }) > 0;
            if (hasId)
            {
                // A few ids per table are enough: every row of a table goes through the same query.
                foreach (var id in await connection.QueryAsync<string>($"SELECT CAST(id AS TEXT) FROM {table} WHERE merchant_id = @merchantId LIMIT 3", new { merchantId }))
                {
                    ids.Add(id.ToLowerInvariant());
                }
            }
        }

        return ids.ToList();
    }

    private static IEnumerable<(string Template, string[] Methods)> RouteTemplates(PortalHost portal)
    {
        var sources = portal.Services.GetServices<EndpointDataSource>();
        return sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Select(e => (Template: e.RoutePattern.RawText?.TrimStart('/') ?? "", Methods: e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>()?.HttpMethods.ToArray() ?? ["GET"]))
            // Framework plumbing (the Blazor hub, static files) holds no merchant data.
            .Where(r => !r.Template.StartsWith('_') && !r.Template.Contains("{**") && !r.Template.Contains("{*")
                        && !Path.HasExtension(r.Template) && !r.Template.StartsWith("Components/", StringComparison.Ordinal))
            .GroupBy(r => r.Template)
            .Select(g => (g.Key, g.SelectMany(r => r.Methods).Where(m => m is "GET" or "POST" or "PUT" or "DELETE").Distinct().ToArray()));
    }

    private static IEnumerable<string> Urls(string template, IReadOnlyList<string> foreignIds)
    {
        if (!template.Contains('{'))
        {
            yield return "/" + template;
            yield break;
        }

        foreach (var id in foreignIds)
        {
            yield return "/" + RouteParameter().Replace(template, id);
        }
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();
}
