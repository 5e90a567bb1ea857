using AdminPortal.Features.Incidents;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;

namespace AdminPortal.IntegrationTests.Incidents;

public sealed class WorkflowTests
{
    [Theory, BothDatabases]
    public async Task Staff_move_an_incident_through_the_NIST_phases_and_closing_needs_a_resolution_and_a_root_cause(DatabaseProvider provider)
    {
        await using var bed = await IncidentTestBed.StartAsync(provider);
        var incident = await bed.ReportAsync();
        Assert.Equal(IncidentStatus.New, incident.Status);
        Assert.Equal(1, incident.Version);

        foreach (var phase in new[] { IncidentStatus.Triage, IncidentStatus.Containment, IncidentStatus.Eradication, IncidentStatus.Recovery })
        {
            incident = await bed.DoAsync(bed.Agent, incident, (store, scope, actor, version) => store.TransitionAsync(scope, actor, incident.Id, version, phase));
            Assert.Equal(phase, incident.Status);
        }

        var agent = await bed.ScopeAsync(bed.Agent);
        var missing = await bed.Store.TransitionAsync(agent, IncidentTestBed.Actor(bed.Agent), incident.Id, incident.Version, IncidentStatus.Closed,
            resolutionSummary: "Removed the tool", rootCause: "  ");
        Assert.Equal(IncidentOutcome.Invalid, missing.Outcome);
        Assert.Equal("Closing needs a resolution summary and a root cause.", missing.Message);
        Assert.Equal(IncidentStatus.Recovery, (await bed.FindAsync(incident.Id)).Status);

        incident = await bed.DoAsync(bed.Agent, incident, (store, scope, actor, version) => store.TransitionAsync(scope, actor, incident.Id, version,
            IncidentStatus.Closed, " Removed the tool and reset the PC ", "A phishing mail installed it"));
        Assert.Equal(IncidentStatus.Closed, incident.Status);
        Assert.Equal(IncidentTestBed.Start, incident.ClosedAt);
        Assert.Equal("Removed the tool and reset the PC", incident.ResolutionSummary);
        Assert.Equal("A phishing mail installed it", incident.RootCause);
        Assert.Equal(IncidentTestBed.Start, incident.AcknowledgedAt);
    }

    [Theory, BothDatabases]
    public async Task Phases_cannot_be_skipped_but_an_incident_can_be_closed_from_triage_and_reopened_with_a_reason(DatabaseProvider provider)
    {
        await using var bed = await IncidentTestBed.StartAsync(provider);
        var incident = await bed.ReportAsync();
        var agent = await bed.ScopeAsync(bed.Agent);
        var actor = IncidentTestBed.Actor(bed.Agent);

        var skip = await bed.Store.TransitionAsync(agent, actor, incident.Id, incident.Version, IncidentStatus.Containment);
        Assert.Equal(IncidentOutcome.Invalid, skip.Outcome);
        Assert.Equal("An incident in new cannot move to containment.", skip.Message);

        incident = await bed.DoAsync(bed.Agent, incident, (store, scope, a, version) => store.TransitionAsync(scope, a, incident.Id, version, IncidentStatus.Triage));
        incident = await bed.DoAsync(bed.Agent, incident, (store, scope, a, version) =>
            store.TransitionAsync(scope, a, incident.Id, version, IncidentStatus.Closed, "False alarm: a licensed support tool", "Misidentified software"));

        var owner = await bed.ScopeAsync(bed.Owner);
        var noReason = await bed.Store.TransitionAsync(owner, IncidentTestBed.Actor(bed.Owner), incident.Id, incident.Version, IncidentStatus.Triage);
        Assert.Equal(IncidentOutcome.Invalid, noReason.Outcome);

        incident = await bed.DoAsync(bed.Owner, incident, (store, scope, a, version) =>
            store.TransitionAsync(scope, a, incident.Id, version, IncidentStatus.Triage, reason: "The tool came back after a restart"));
        Assert.Equal(IncidentStatus.Triage, incident.Status);
        Assert.Null(incident.ClosedAt);
    }

    [Theory, BothDatabases]
    public async Task Owners_report_comment_and_reopen_but_only_staff_run_the_workflow_and_officers_read(DatabaseProvider provider)
    {
        await using var bed = await IncidentTestBed.StartAsync(provider);
        var incident = await bed.ReportAsync(reporter: bed.Owner);
        var owner = await bed.ScopeAsync(bed.Owner);
        var officer = await bed.ScopeAsync(bed.Officer);
        var ownerActor = IncidentTestBed.Actor(bed.Owner);
        var officerActor = IncidentTestBed.Actor(bed.Officer);

        Assert.Equal(IncidentOutcome.Forbidden, (await bed.Store.TransitionAsync(owner, ownerActor, incident.Id, incident.Version, IncidentStatus.Triage)).Outcome);
        Assert.Equal(IncidentOutcome.Forbidden, (await bed.Store.AssignAsync(owner, ownerActor, incident.Id, incident.Version, bed.Agent.Id)).Outcome);
        Assert.Equal(IncidentOutcome.Forbidden,
            (await bed.Store.ChangeSeverityAsync(owner, ownerActor, incident.Id, incident.Version, IncidentSeverity.Sev1, "worse")).Outcome);
        Assert.True((await bed.Store.CommentAsync(owner, ownerActor, incident.Id, "The PC is switched off now.")).Succeeded);

        Assert.NotNull(await bed.Store.FindAsync(officer, incident.Id));
        Assert.Equal(IncidentOutcome.Forbidden, (await bed.Store.CommentAsync(officer, officerActor, incident.Id, "Noted")).Outcome);
        Assert.Equal(IncidentOutcome.Forbidden, (await bed.Store.TransitionAsync(officer, officerActor, incident.Id, 2, IncidentStatus.Triage)).Outcome);
        var (report, _) = await bed.Store.ReportAsync(officer, officerActor,
            new NewIncident(bed.Home.Id, "Officer report", IncidentType.Other, IncidentSeverity.Sev4, "Should not be possible"));
        Assert.Equal(IncidentOutcome.Forbidden, report.Outcome);

        Assert.Equal([IncidentStatus.Triage], IncidentWorkflow.AllowedTransitions(await bed.ScopeAsync(bed.Agent), bed.Home.Id, IncidentStatus.New));
        Assert.Empty(IncidentWorkflow.AllowedTransitions(owner, bed.Home.Id, IncidentStatus.New));
        Assert.Equal([IncidentStatus.Triage], IncidentWorkflow.AllowedTransitions(owner, bed.Home.Id, IncidentStatus.Closed));
        Assert.Empty(IncidentWorkflow.AllowedTransitions(officer, bed.Home.Id, IncidentStatus.Closed));
    }

    [Theory, BothDatabases]
    public async Task Incidents_are_assigned_only_to_the_merchants_support_agents_and_platform_admins(DatabaseProvider provider)
    {
        await using var bed = await IncidentTestBed.StartAsync(provider);
        var incident = await bed.ReportAsync();
        var admin = await bed.ScopeAsync(bed.Admin);
        var actor = IncidentTestBed.Actor(bed.Admin);

        var toOwner = await bed.Store.AssignAsync(admin, actor, incident.Id, incident.Version, bed.Owner.Id);
        Assert.Equal(IncidentOutcome.Invalid, toOwner.Outcome);
        var toForeign = await bed.Store.AssignAsync(admin, actor, incident.Id, incident.Version, bed.ZebraOwner.Id);
        Assert.Equal(IncidentOutcome.Invalid, toForeign.Outcome);

        incident = await bed.DoAsync(bed.Admin, incident, (store, scope, a, version) => store.AssignAsync(scope, a, incident.Id, version, bed.Agent.Id));
        Assert.Equal(bed.Agent.Id, incident.AssigneeId);
        Assert.Equal("Sam Support", incident.AssigneeName);
        incident = await bed.DoAsync(bed.Agent, incident, (store, scope, a, version) => store.AssignAsync(scope, a, incident.Id, version, bed.Admin.Id));
        Assert.Equal("Ada Admin", incident.AssigneeName);

        var candidates = await bed.Portal.GetService<IncidentDirectory>().AssigneesAsync(admin, bed.Home.Id);
        Assert.Equal(["Ada Admin", "Sam Support"], candidates.Select(c => c.Name));
    }

    [Theory, BothDatabases]
    public async Task A_change_based_on_an_older_read_is_refused_and_changes_nothing(DatabaseProvider provider)
    {
        await using var bed = await IncidentTestBed.StartAsync(provider);
        var incident = await bed.ReportAsync();
        var agent = await bed.ScopeAsync(bed.Agent);
        var actor = IncidentTestBed.Actor(bed.Agent);
        var staleVersion = incident.Version;

        Assert.True((await bed.Store.AssignAsync(agent, actor, incident.Id, staleVersion, bed.Agent.Id)).Succeeded);
        var stale = await bed.Store.TransitionAsync(agent, actor, incident.Id, staleVersion, IncidentStatus.Triage);

        Assert.Equal(IncidentOutcome.Conflict, stale.Outcome);
        Assert.Equal(IncidentStatus.New, (await bed.FindAsync(incident.Id)).Status);
    }

    [Theory, BothDatabases]
    public async Task A_card_number_in_any_free_text_is_refused_with_a_clear_message_and_nothing_is_stored(DatabaseProvider provider)
    {
        await using var bed = await IncidentTestBed.StartAsync(provider);
        var owner = await bed.ScopeAsync(bed.Owner);
        var actor = IncidentTestBed.Actor(bed.Owner);
        const string pan = "4111 1111 1111 1111";

        var (report, _) = await bed.Store.ReportAsync(owner, actor,
            new NewIncident(bed.Home.Id, "Skimmed card", IncidentType.Fraud, IncidentSeverity.Sev2, $"The customer's card {pan} was copied."));
        Assert.Equal((IncidentOutcome.Invalid, IncidentWorkflow.CardNumberMessage), (report.Outcome, report.Message));
        Assert.Equal(0, (await bed.Store.SearchAsync(owner, new IncidentQuery { Status = IncidentStatusFilter.Any })).Total);

        var incident = await bed.ReportAsync();
        Assert.Equal(IncidentOutcome.Invalid, (await bed.Store.CommentAsync(owner, actor, incident.Id, $"Card {pan}")).Outcome);
        var agent = await bed.ScopeAsync(bed.Agent);
        incident = await bed.DoAsync(bed.Agent, incident, (s, scope, a, v) => s.TransitionAsync(scope, a, incident.Id, v, IncidentStatus.Triage));
        var close = await bed.Store.TransitionAsync(agent, IncidentTestBed.Actor(bed.Agent), incident.Id, incident.Version, IncidentStatus.Closed,
            "Blocked the card", $"Card 4111111111111111 was skimmed");
        Assert.Equal((IncidentOutcome.Invalid, IncidentWorkflow.CardNumberMessage), (close.Outcome, close.Message));
        Assert.Single(await bed.Store.TimelineAsync(owner, incident.Id), e => e.Kind == TimelineKind.StatusChanged);
        Assert.DoesNotContain(await bed.Store.TimelineAsync(owner, incident.Id), e => e.Body?.Contains("4111") == true);
    }
}
