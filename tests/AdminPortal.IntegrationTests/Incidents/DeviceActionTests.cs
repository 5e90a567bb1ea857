using AdminPortal.Features.Devices.Commands;
using AdminPortal.Features.Incidents;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using Dapper;

namespace AdminPortal.IntegrationTests.Incidents;

public sealed class DeviceActionTests
{
    [Theory, BothDatabases]
    public async Task Locking_a_linked_terminal_from_an_incident_needs_step_up_and_lands_in_the_timeline(DatabaseProvider provider)
    {
        await using var bed = await IncidentTestBed.StartAsync(provider);
        var linked = await bed.TerminalAsync("SN-LOCK-1");
        var unlinked = await bed.TerminalAsync("SN-LOCK-2");
        var incident = await bed.ReportAsync(IncidentSeverity.Sev2, IncidentType.LostOrStolenDevice, [linked]);
        var actions = bed.Portal.GetService<IncidentDeviceActions>();
        var scope = await bed.ScopeAsync(bed.Agent);
        var actor = IncidentTestBed.Actor(bed.Agent);

        var stale = await actions.IssueAsync(await bed.PrincipalAsync(bed.Agent), scope, actor, incident.Id, linked, DeviceCommandType.Lock);
        Assert.Equal(IncidentOutcome.Forbidden, stale.Outcome);

        var fresh = await bed.PrincipalAsync(bed.Agent, freshStepUp: true);
        Assert.Equal(IncidentOutcome.NotFound, (await actions.IssueAsync(fresh, scope, actor, incident.Id, unlinked, DeviceCommandType.Lock)).Outcome);
        Assert.True((await actions.IssueAsync(fresh, scope, actor, incident.Id, linked, DeviceCommandType.Lock)).Succeeded);

        var officer = await bed.ScopeAsync(bed.Officer);
        var denied = await actions.IssueAsync(await bed.PrincipalAsync(bed.Officer, freshStepUp: true), officer, IncidentTestBed.Actor(bed.Officer),
            incident.Id, linked, DeviceCommandType.Wipe);
        Assert.Equal(IncidentOutcome.Forbidden, denied.Outcome);

        await using var connection = await bed.Portal.GetService<IDbConnectionFactory>().OpenAsync();
        var commands = (await connection.QueryAsync<long>("SELECT type FROM device_commands WHERE device_id = @linked", new { linked })).ToList();
        Assert.Equal([(long)DeviceCommandType.Lock], commands);
        var entry = (await bed.Store.TimelineAsync(scope, incident.Id)).Last();
        Assert.Equal((TimelineKind.DeviceAction, "lock requested for terminal SN-LOCK-1"), (entry.Kind, entry.Body));
    }

    [Theory, BothDatabases]
    public async Task Reporting_a_lost_terminal_marks_it_lost_and_queues_a_lock(DatabaseProvider provider)
    {
        await using var bed = await IncidentTestBed.StartAsync(provider);
        var terminal = await bed.TerminalAsync("SN-LOST-1");
        var incident = await bed.ReportAsync(IncidentSeverity.Sev3, IncidentType.LostOrStolenDevice, [terminal]);
        var result = await bed.Portal.GetService<IncidentDeviceActions>().ReportLostAsync(await bed.PrincipalAsync(bed.Owner, freshStepUp: true),
            await bed.ScopeAsync(bed.Owner), IncidentTestBed.Actor(bed.Owner), incident.Id, terminal);
        Assert.True(result.Succeeded, result.Message);

        await using var connection = await bed.Portal.GetService<IDbConnectionFactory>().OpenAsync();
        Assert.Equal(3L, await connection.ExecuteScalarAsync<long>("SELECT status FROM devices WHERE id = @terminal", new { terminal }));
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM device_commands WHERE device_id = @terminal", new { terminal }));
    }
}
