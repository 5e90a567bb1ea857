using AdminPortal.Features.Incidents;
using AdminPortal.Features.Incidents.Sources;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;

namespace AdminPortal.IntegrationTests.Incidents;

public sealed class FraudEscalationTests
{
    [Theory, BothDatabases]
    public async Task Escalating_an_alert_opens_one_fraud_incident_linked_to_the_alert_and_its_terminal(DatabaseProvider provider)
    {
        await using var bed = await IncidentTestBed.StartAsync(provider);
        var terminal = await bed.TerminalAsync("SN-FRAUD-1");
        var alertId = await bed.FraudAlertAsync(terminal);
        var escalation = bed.Portal.GetService<FraudAlertEscalation>();
        var agent = await bed.ScopeAsync(bed.Agent);

        var (result, incidentId) = await escalation.EscalateAsync(agent, IncidentTestBed.Actor(bed.Agent), alertId, IncidentSeverity.Sev2);
        Assert.True(result.Succeeded, result.Message);
        var incident = await bed.FindAsync(incidentId!.Value);
        Assert.Equal((IncidentSource.FraudAlert, IncidentType.Fraud, IncidentSeverity.Sev2, "Sam Support"),
            (incident.Source, incident.Type, incident.Severity, incident.ReporterName));
        var links = await bed.Store.LinksAsync(agent, incident.Id);
        Assert.Equal([(IncidentLinkKind.Device, terminal), (IncidentLinkKind.FraudAlert, alertId)], links.Select(l => (l.Kind, l.TargetId)).Order());

        var (again, sameId) = await escalation.EscalateAsync(await bed.ScopeAsync(bed.Owner), IncidentTestBed.Actor(bed.Owner), alertId, IncidentSeverity.Sev1);
        Assert.True(again.Succeeded);
        Assert.Equal(incidentId, sameId);
        Assert.Equal(1, (await bed.Store.SearchAsync(agent, new IncidentQuery())).Total);

        var officer = await bed.ScopeAsync(bed.Officer);
        Assert.Equal(IncidentOutcome.Forbidden, (await escalation.EscalateAsync(officer, IncidentTestBed.Actor(bed.Officer), alertId, IncidentSeverity.Sev1)).Result.Outcome);
        Assert.Equal(IncidentOutcome.NotFound,
            (await escalation.EscalateAsync(await bed.ScopeAsync(bed.ZebraOwner), IncidentTestBed.Actor(bed.ZebraOwner), alertId, IncidentSeverity.Sev1)).Result.Outcome);
        var device = await bed.Store.LinkedToAsync(agent, bed.Home.Id, IncidentLinkKind.Device, terminal);
        Assert.Equal([incident.Id], device.Select(i => i.Id));
    }
}
