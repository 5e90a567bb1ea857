using System.Collections.Concurrent;
using AdminPortal.Features.Audit;
using AdminPortal.Features.Incidents;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Infrastructure.LiveUpdates;
using AdminPortal.Testing;

namespace AdminPortal.IntegrationTests.Incidents;

public sealed class SlaEscalationTests
{
    [Theory, BothDatabases]
    public async Task An_unacknowledged_SEV1_breaches_after_15_minutes_and_is_escalated_to_platform_admins_once(DatabaseProvider provider)
    {
        await using var bed = await IncidentTestBed.StartAsync(provider);
        var notices = new ConcurrentQueue<IncidentChanged>();
        using var subscription = bed.Portal.GetService<ILiveUpdates>().Subscribe<IncidentChanged>(null, n => { notices.Enqueue(n); return Task.CompletedTask; });
        var escalation = bed.Portal.GetService<SlaEscalation>();
        var incident = await bed.ReportAsync(IncidentSeverity.Sev1);
        Assert.Equal(IncidentTestBed.Start.AddMinutes(15), incident.AcknowledgeDueAt);
        Assert.Equal(IncidentTestBed.Start.AddHours(4), incident.ResolveDueAt);

        bed.Clock.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(0, await escalation.RunOnceAsync(bed.Clock.GetUtcNow()));
        Assert.Equal(0, (await bed.FindAsync(incident.Id)).EscalationLevel);

        bed.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await escalation.RunOnceAsync(bed.Clock.GetUtcNow()));
        Assert.Equal(0, await escalation.RunOnceAsync(bed.Clock.GetUtcNow()));
        incident = await bed.FindAsync(incident.Id);
        Assert.Equal(1, incident.EscalationLevel);
        Assert.Equal(IncidentTestBed.Start.AddMinutes(15), incident.AcknowledgeBreachedAt);
        Assert.Null(incident.ResolveBreachedAt);
        Assert.Equal(1, (await bed.Store.OpenSummaryAsync(await bed.ScopeAsync(bed.Agent))).Breached);

        bed.Clock.Advance(TimeSpan.FromHours(4));
        Assert.Equal(1, await escalation.RunOnceAsync(bed.Clock.GetUtcNow()));
        incident = await bed.FindAsync(incident.Id);
        Assert.NotNull(incident.ResolveBreachedAt);

        var timeline = await bed.Store.TimelineAsync(await bed.ScopeAsync(bed.Owner), incident.Id);
        Assert.Equal([TimelineKind.Opened, TimelineKind.SlaBreached, TimelineKind.Escalated, TimelineKind.SlaBreached], timeline.Select(e => e.Kind));
        Assert.Equal(["acknowledge", "resolve"], timeline.Where(e => e.Kind == TimelineKind.SlaBreached).Select(e => e.ToValue));
        Assert.Equal(("support agents", "platform admins"), (timeline[2].FromValue, timeline[2].ToValue));
        var audit = await bed.Portal.GetService<IAuditLog>().SearchAsync(new AuditQuery { Category = IncidentStore.AuditCategory, Text = "missed", Take = 10 });
        Assert.Equal(2, audit.Total);

        await bed.Portal.WaitUntilAsync(() => Task.FromResult(notices.Count(n => n.Change == IncidentChange.Escalated) == 2));
        Assert.All(notices, n => Assert.Equal(bed.Home.Id, n.MerchantId));
    }

    [Theory, BothDatabases]
    public async Task Acknowledging_in_time_stops_the_acknowledge_timer_and_closing_stops_the_resolve_timer(DatabaseProvider provider)
    {
        await using var bed = await IncidentTestBed.StartAsync(provider);
        var escalation = bed.Portal.GetService<SlaEscalation>();
        var incident = await bed.ReportAsync(IncidentSeverity.Sev1);

        bed.Clock.Advance(TimeSpan.FromMinutes(10));
        incident = await bed.DoAsync(bed.Agent, incident, (s, scope, a, v) => s.AssignAsync(scope, a, incident.Id, v, bed.Agent.Id));
        Assert.Equal(IncidentTestBed.Start.AddMinutes(10), incident.AcknowledgedAt);

        bed.Clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(0, await escalation.RunOnceAsync(bed.Clock.GetUtcNow()));
        Assert.Equal(SlaState.Met, SlaClock.Acknowledge(incident, bed.Clock.GetUtcNow()).State);

        incident = await bed.DoAsync(bed.Agent, incident, (s, scope, a, v) => s.TransitionAsync(scope, a, incident.Id, v, IncidentStatus.Triage));
        incident = await bed.DoAsync(bed.Agent, incident, (s, scope, a, v) => s.TransitionAsync(scope, a, incident.Id, v, IncidentStatus.Closed, "Contained", "Weak password"));
        bed.Clock.Advance(TimeSpan.FromHours(5));
        Assert.Equal(0, await escalation.RunOnceAsync(bed.Clock.GetUtcNow()));
        Assert.Equal(SlaState.Met, SlaClock.Resolve(incident, bed.Clock.GetUtcNow()).State);
        Assert.Equal(0, (await bed.FindAsync(incident.Id)).EscalationLevel);
    }

    [Theory, BothDatabases]
    public async Task Changing_the_severity_recomputes_the_deadlines_from_the_opening_time(DatabaseProvider provider)
    {
        await using var bed = await IncidentTestBed.StartAsync(provider,
            fakeClock: true);
        var incident = await bed.ReportAsync(IncidentSeverity.Sev4);
        Assert.Equal(IncidentTestBed.Start.AddDays(1), incident.AcknowledgeDueAt);

        bed.Clock.Advance(TimeSpan.FromMinutes(20));
        incident = await bed.DoAsync(bed.Agent, incident, (s, scope, a, v) => s.ChangeSeverityAsync(scope, a, incident.Id, v, IncidentSeverity.Sev1, "Card data exposed"));
        Assert.Equal(IncidentTestBed.Start.AddMinutes(15), incident.AcknowledgeDueAt);
        Assert.Equal(IncidentTestBed.Start.AddHours(4), incident.ResolveDueAt);
        // Changing the severity is not an acknowledgement: the SEV1 target already passed, so the job records the breach.
        Assert.Equal(1, await bed.Portal.GetService<SlaEscalation>().RunOnceAsync(bed.Clock.GetUtcNow()));
    }

    [Theory, BothDatabases]
    public async Task SLA_targets_come_from_configuration(DatabaseProvider provider)
    {
        var clock = new Devices.TestClock(IncidentTestBed.Start);
        await using var portal = await PortalHost.StartAsync(provider, new Dictionary<string, string?>
        {
            ["Incidents:Sev2:Acknowledge"] = "00:05:00",
            ["Incidents:Sev2:Resolve"] = "02:00:00",
        }, services => services.AddSingleton<TimeProvider>(clock));
        var (merchant, _) = await portal.CreateMerchantAsync("Config Merchant", "CONF-0001");
        var admin = await portal.CreatePersonAsync("admin@config.example", platformAdmin: true);
        var scope = await portal.GetService<AdminPortal.Features.Merchants.Access.IAccessScopeProvider>().GetAsync(await portal.SignedInPrincipalAsync(admin));
        var store = portal.GetService<IncidentStore>();
        var (_, id) = await store.ReportAsync(scope, new IncidentActor(admin.Id, "Admin"),
            new NewIncident(merchant.Id, "Configured", IncidentType.Phishing, IncidentSeverity.Sev2, "A phishing mail"));

        var incident = (await store.FindAsync(scope, id!.Value))!;
        Assert.Equal(IncidentTestBed.Start.AddMinutes(5), incident.AcknowledgeDueAt);
        Assert.Equal(IncidentTestBed.Start.AddHours(2), incident.ResolveDueAt);
    }

    [Theory, BothDatabases]
    public async Task The_background_loop_records_breaches_by_itself(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider, new Dictionary<string, string?>
        {
            ["Incidents:Sev1:Acknowledge"] = "00:00:01",
            ["Incidents:Sev1:Resolve"] = "00:00:02",
            ["Incidents:SlaCheckIntervalSeconds"] = "1",
        });
        var (merchant, _) = await portal.CreateMerchantAsync("Loop Merchant", "LOOP-0001");
        var admin = AdminPortal.Features.Merchants.Access.AccessScope.PlatformAdmin(Guid.NewGuid(), "Admin");
        var store = portal.GetService<IncidentStore>();
        var (_, id) = await store.ReportAsync(admin, new IncidentActor(admin.PersonId, "Admin"),
            new NewIncident(merchant.Id, "Nobody answers", IncidentType.Other, IncidentSeverity.Sev1, "Left alone on purpose"));

        await portal.WaitUntilAsync(async () => (await store.FindAsync(admin, id!.Value))!.ResolveBreachedAt is not null);
        var incident = (await store.FindAsync(admin, id!.Value))!;
        Assert.NotNull(incident.AcknowledgeBreachedAt);
        Assert.Equal(1, incident.EscalationLevel);
    }
}
