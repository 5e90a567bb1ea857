using System.Net;
using AdminPortal.Features.Incidents;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;

namespace AdminPortal.IntegrationTests.Incidents;

public sealed class ScopeTests
{
    [Theory, BothDatabases]
    public async Task Another_merchants_incident_does_not_exist_for_any_role_of_Home(DatabaseProvider provider)
    {
        await using var bed = await IncidentTestBed.StartAsync(provider);
        var (result, zebraId) = await bed.Store.ReportAsync(await bed.ScopeAsync(bed.ZebraOwner), IncidentTestBed.Actor(bed.ZebraOwner),
            new NewIncident(bed.Zebra.Id, "Zebra secret incident", IncidentType.DataBreach, IncidentSeverity.Sev1, "Zebra only"));
        Assert.True(result.Succeeded);
        var homeIncident = await bed.ReportAsync();

        foreach (var person in new[] { bed.Agent, bed.Owner, bed.Officer })
        {
            var scope = await bed.ScopeAsync(person);
            var actor = IncidentTestBed.Actor(person);
            Assert.Null(await bed.Store.FindAsync(scope, zebraId!.Value));
            Assert.Empty(await bed.Store.TimelineAsync(scope, zebraId.Value));
            Assert.Empty(await bed.Store.LinksAsync(scope, zebraId.Value));
            var page = await bed.Store.SearchAsync(scope, new IncidentQuery { Status = IncidentStatusFilter.Any });
            Assert.Equal([homeIncident.Id], page.Rows.Select(r => r.Id));
            Assert.Equal(IncidentOutcome.NotFound, (await bed.Store.CommentAsync(scope, actor, zebraId.Value, "hello")).Outcome);
            Assert.Equal(IncidentOutcome.NotFound, (await bed.Store.TransitionAsync(scope, actor, zebraId.Value, 1, IncidentStatus.Triage)).Outcome);
            Assert.Equal(IncidentOutcome.NotFound, (await bed.Store.AssignAsync(scope, actor, zebraId.Value, 1, person.Id)).Outcome);
            var (foreignReport, _) = await bed.Store.ReportAsync(scope, actor,
                new NewIncident(bed.Zebra.Id, "Into Zebra", IncidentType.Other, IncidentSeverity.Sev4, "Not mine"));
            Assert.Equal(IncidentOutcome.NotFound, foreignReport.Outcome);

            using var client = await bed.Portal.SignedInClientAsync(person);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/incidents/{zebraId}")).StatusCode);
            var own = await client.GetAsync($"/incidents/{homeIncident.Id}");
            Assert.Equal(HttpStatusCode.OK, own.StatusCode);
            Assert.Contains(homeIncident.Reference, await own.Content.ReadAsStringAsync());
            foreach (var path in new[] { "/incidents", "/incidents/metrics", "/incidents/new" })
            {
                var body = await (await client.GetAsync(path)).Content.ReadAsStringAsync();
                Assert.DoesNotContain("Zebra", body, StringComparison.OrdinalIgnoreCase);
            }
        }

        using (var zebraClient = await bed.Portal.SignedInClientAsync(bed.ZebraOwner))
        {
            Assert.Equal(HttpStatusCode.OK, (await zebraClient.GetAsync($"/incidents/{zebraId}")).StatusCode);
        }

        var admin = AccessScope.PlatformAdmin(bed.Admin.Id);
        Assert.Equal(2, (await bed.Store.SearchAsync(admin, new IncidentQuery())).Total);
    }

    [Theory, BothDatabases]
    public async Task Only_the_incident_merchants_own_devices_can_be_linked(DatabaseProvider provider)
    {
        await using var bed = await IncidentTestBed.StartAsync(provider);
        var zebraStore = (await bed.Portal.GetService<AdminPortal.Features.Merchants.MerchantDirectory>().ListStoresAsync(bed.Zebra.Id)).Single();
        var foreignTerminal = await bed.TerminalAsync("SN-ZEBRA-1", bed.Zebra.Id, zebraStore.Id);
        var incident = await bed.ReportAsync();
        var admin = await bed.ScopeAsync(bed.Admin);

        var link = await bed.Store.LinkAsync(admin, IncidentTestBed.Actor(bed.Admin), incident.Id, incident.Version, IncidentLinkKind.Device, foreignTerminal);
        Assert.Equal(IncidentOutcome.Invalid, link.Outcome);
        var (report, _) = await bed.Store.ReportAsync(await bed.ScopeAsync(bed.Owner), IncidentTestBed.Actor(bed.Owner),
            new NewIncident(bed.Home.Id, "Lost", IncidentType.LostOrStolenDevice, IncidentSeverity.Sev3, "Gone", [foreignTerminal]));
        Assert.Equal(IncidentOutcome.Invalid, report.Outcome);
        Assert.Empty(await bed.Store.LinksAsync(admin, incident.Id));
    }
}
