using AdminPortal.Features.Audit;
using AdminPortal.Features.Incidents;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;

namespace AdminPortal.IntegrationTests.Incidents;

public sealed class TimelineTests
{
    [Theory, BothDatabases]
    public async Task Every_change_lands_in_the_timeline_with_who_and_when_between_the_comments_and_in_the_audit_log(DatabaseProvider provider)
    {
        await using var bed = await IncidentTestBed.StartAsync(provider);
        var terminal = await bed.TerminalAsync("SN-TIMELINE-1");
        var incident = await bed.ReportAsync(IncidentSeverity.Sev3, IncidentType.LostOrStolenDevice);
        var owner = await bed.ScopeAsync(bed.Owner);

        bed.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True((await bed.Store.CommentAsync(owner, IncidentTestBed.Actor(bed.Owner), incident.Id, "It was on the counter at noon.")).Succeeded);
        bed.Clock.Advance(TimeSpan.FromMinutes(1));
        incident = await bed.DoAsync(bed.Agent, incident, (s, scope, a, v) => s.AssignAsync(scope, a, incident.Id, v, bed.Agent.Id));
        incident = await bed.DoAsync(bed.Agent, incident, (s, scope, a, v) => s.ChangeSeverityAsync(scope, a, incident.Id, v, IncidentSeverity.Sev2, "Card data on the device"));
        incident = await bed.DoAsync(bed.Agent, incident, (s, scope, a, v) => s.LinkAsync(scope, a, incident.Id, v, IncidentLinkKind.Device, terminal));
        incident = await bed.DoAsync(bed.Agent, incident, (s, scope, a, v) => s.TransitionAsync(scope, a, incident.Id, v, IncidentStatus.Triage, reason: "Looking at it"));
        bed.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True((await bed.Store.CommentAsync(await bed.ScopeAsync(bed.Agent), IncidentTestBed.Actor(bed.Agent), incident.Id, "Terminal located.")).Succeeded);
        incident = await bed.DoAsync(bed.Agent, incident, (s, scope, a, v) => s.UnlinkAsync(scope, a, incident.Id, v, IncidentLinkKind.Device, terminal));
        incident = await bed.DoAsync(bed.Agent, incident, (s, scope, a, v) => s.TransitionAsync(scope, a, incident.Id, v, IncidentStatus.Closed, "Found in the back office", "Misplaced by staff"));

        var timeline = await bed.Store.TimelineAsync(owner, incident.Id);
        Assert.Equal(
            [
                (TimelineKind.Opened, "Olive Owner"), (TimelineKind.Comment, "Olive Owner"), (TimelineKind.AssigneeChanged, "Sam Support"),
                (TimelineKind.SeverityChanged, "Sam Support"), (TimelineKind.Linked, "Sam Support"), (TimelineKind.StatusChanged, "Sam Support"),
                (TimelineKind.Comment, "Sam Support"), (TimelineKind.Unlinked, "Sam Support"), (TimelineKind.StatusChanged, "Sam Support"),
            ],
            timeline.Select(e => (e.Kind, e.ActorName)));
        Assert.Equal(Enumerable.Range(1, 9), timeline.Select(e => e.Position));
        Assert.Equal(IncidentTestBed.Start, timeline[0].At);
        Assert.Equal(IncidentTestBed.Start.AddMinutes(1), timeline[1].At);
        Assert.Equal(IncidentTestBed.Start.AddMinutes(3), timeline[6].At);
        Assert.Equal(("unassigned", "Sam Support"), (timeline[2].FromValue, timeline[2].ToValue));
        Assert.Equal(("SEV3", "SEV2", "Card data on the device"), (timeline[3].FromValue, timeline[3].ToValue, timeline[3].Body));
        Assert.Equal("terminal SN-TIMELINE-1", timeline[4].ToValue);
        Assert.Equal(("Triage", "Closed"), (timeline[8].FromValue, timeline[8].ToValue));
        Assert.Equal("Resolution: Found in the back office\nRoot cause: Misplaced by staff", timeline[8].Body);
        Assert.All(timeline.Skip(1), e => Assert.NotNull(e.ActorId));

        var audit = await bed.Portal.GetService<IAuditLog>().SearchAsync(new AuditQuery { Category = IncidentStore.AuditCategory, Take = 100 });
        Assert.Equal(
            ["incident.opened", "incident.commented", "incident.assigned", "incident.severity-changed", "incident.linked", "incident.status-changed",
             "incident.commented", "incident.unlinked", "incident.closed"],
            audit.Rows.OrderBy(r => r.Seq).Select(r => r.Action));
        Assert.All(audit.Rows, r => Assert.Equal(bed.Home.Id, r.MerchantId));
        Assert.True((await bed.Portal.GetService<IAuditLog>().VerifyAsync()).Intact);
    }
}
