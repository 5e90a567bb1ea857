using AdminPortal.Features.Incidents;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;

namespace AdminPortal.IntegrationTests.Incidents;

public sealed class QueueTests
{
    [Theory, BothDatabases]
    public async Task The_queues_show_mine_unassigned_and_breaching_soon_with_paging(DatabaseProvider provider)
    {
        await using var bed = await IncidentTestBed.StartAsync(provider);
        var sev1 = await bed.ReportAsync(IncidentSeverity.Sev1);
        var sev4 = await bed.ReportAsync(IncidentSeverity.Sev4);
        var mine = await bed.ReportAsync(IncidentSeverity.Sev3);
        await bed.DoAsync(bed.Agent, mine, (s, scope, a, v) => s.AssignAsync(scope, a, mine.Id, v, bed.Agent.Id));
        var agent = await bed.ScopeAsync(bed.Agent);

        Assert.Equal([mine.Id], (await bed.Store.SearchAsync(agent, new IncidentQuery { Queue = IncidentQueue.Mine })).Rows.Select(r => r.Id));
        Assert.Equal([sev1.Id, sev4.Id], (await bed.Store.SearchAsync(agent, new IncidentQuery { Queue = IncidentQueue.Unassigned })).Rows.Select(r => r.Id));
        Assert.Empty((await bed.Store.SearchAsync(agent, new IncidentQuery { Queue = IncidentQueue.BreachingSoon })).Rows);

        // SEV1 acknowledge target is 15 min: its last quarter starts after 11¼ min.
        bed.Clock.Advance(TimeSpan.FromMinutes(12));
        Assert.Equal([sev1.Id], (await bed.Store.SearchAsync(agent, new IncidentQuery { Queue = IncidentQueue.BreachingSoon })).Rows.Select(r => r.Id));

        var first = await bed.Store.SearchAsync(agent, new IncidentQuery { Take = 2 });
        var second = await bed.Store.SearchAsync(agent, new IncidentQuery { Skip = 2, Take = 2 });
        Assert.Equal(3, first.Total);
        Assert.Equal([sev1.Id, mine.Id, sev4.Id], first.Rows.Concat(second.Rows).Select(r => r.Id));

        var (bySeverity, breached) = await bed.Store.OpenSummaryAsync(agent);
        Assert.Equal(1, bySeverity[IncidentSeverity.Sev1]);
        Assert.Equal(0, breached);
    }
}
