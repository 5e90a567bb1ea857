using System.Net;
using AdminPortal.Features.Audit;
using AdminPortal.Features.Fraud;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;

namespace AdminPortal.IntegrationTests.Fraud;

public sealed class AlertTests
{
    private static readonly Analyst Ada = new(Guid.NewGuid(), "Ada Analyst");

    /// <summary>A Tuesday 11:00 in Berlin, inside store hours, within the accepted age of events.</summary>
    private static DateTimeOffset InStoreHours()
    {
        var day = DateTimeOffset.UtcNow.Date.AddDays(-1);
        while (day.DayOfWeek != DayOfWeek.Tuesday)
        {
            day = day.AddDays(-1);
        }

        return new DateTimeOffset(day.AddHours(10), TimeSpan.Zero); // 11:00 or 12:00 in Berlin
    }

    private static object[] VelocityBurst(string prefix, int count, DateTimeOffset start, string card = "tok_velocity_card") =>
        Enumerable.Range(0, count).Select(i => Events.Sale($"{prefix}-{i}", start.AddSeconds(30 * i), cardToken: card)).ToArray();

    [Theory, BothDatabases]
    public async Task A_velocity_burst_opens_one_alert_and_later_hits_join_it(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var host = new FraudApiHost(database);
        var terminal = await host.CreateTerminalAsync("M-ALERT-1");
        using var client = host.DeviceClient(terminal);
        var start = InStoreHours();

        // Five uses of a card in ten minutes are normal (the default limit); the sixth and seventh are not.
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync(VelocityBurst("v", 5, start))).StatusCode);
        var scope = AccessScope.PlatformAdmin(Ada.Id);
        var queue = host.Get<AlertQueue>();
        Assert.Equal(0, (await queue.SearchAsync(scope, new AlertQuery())).Total);

        await client.PostAsync(Events.Sale("v-5", start.AddMinutes(3), cardToken: "tok_velocity_card"));
        await client.PostAsync(Events.Sale("v-6", start.AddMinutes(4), amountMinor: 900_000, cardToken: "tok_velocity_card"));

        var alert = Assert.Single((await queue.SearchAsync(scope, new AlertQuery())).Rows);
        Assert.Equal(terminal.MerchantId, alert.MerchantId);
        Assert.Equal(AlertStatus.Open, alert.Status);
        Assert.Contains("card-velocity", alert.RuleIds);
        var hits = await queue.HitsAsync(scope, alert.Id);
        Assert.Equal(["v-5", "v-6"], hits.Select(h => h.EventId).Distinct());
        Assert.Contains("was used 6 times", hits[0].Explanation);
        Assert.Equal(2, alert.HitCount);
    }

    [Theory, BothDatabases]
    public async Task Alerts_opened_within_the_same_minute_have_distinct_references(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var host = new FraudApiHost(database);
        var start = InStoreHours();

        // Three terminals each send a velocity burst, within a second or so: three alerts. People tell alerts apart
        // (and find them when linking an incident) by reference, so the id's leading characters must not encode the
        // time (with a version 7 id all three would read the same "FA-…").
        foreach (var n in new[] { 1, 2, 3 })
        {
            var terminal = await host.CreateTerminalAsync($"M-ALERT-REF-{n}");
            using var client = host.DeviceClient(terminal);
            Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync(VelocityBurst($"ref-{n}", 7, start))).StatusCode);
        }

        var alerts = (await host.Get<AlertQueue>().SearchAsync(AccessScope.PlatformAdmin(Ada.Id), new AlertQuery())).Rows;
        Assert.Equal(3, alerts.Count);
        Assert.Equal(3, alerts.Select(a => a.Reference).Distinct().Count());
    }

    [Theory, BothDatabases]
    public async Task Scoring_state_is_rebuilt_from_stored_events_after_a_restart(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var start = InStoreHours();
        TestTerminal terminal;
        await using (var before = new FraudApiHost(database))
        {
            terminal = await before.CreateTerminalAsync("M-REBUILD-1");
            using var client = before.DeviceClient(terminal);
            Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync(VelocityBurst("r", 5, start))).StatusCode);
        }

        await using var after = new FraudApiHost(database);
        using (var client = after.DeviceClient(terminal))
        {
            // Alone, one more sale is harmless: it alerts only if the five before the restart are remembered.
            await client.PostAsync(Events.Sale("r-5", start.AddMinutes(3), cardToken: "tok_velocity_card"));
        }

        var alert = Assert.Single((await after.Get<AlertQueue>().SearchAsync(AccessScope.PlatformAdmin(Ada.Id), new AlertQuery())).Rows);
        Assert.Contains("card-velocity", alert.RuleIds);
    }

    [Theory, BothDatabases]
    public async Task An_open_alert_is_remembered_across_a_restart_so_related_hits_still_join_it(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var start = InStoreHours();
        TestTerminal terminal;
        await using (var before = new FraudApiHost(database))
        {
            terminal = await before.CreateTerminalAsync("M-REBUILD-2");
            using var client = before.DeviceClient(terminal);
            await client.PostAsync(VelocityBurst("j", 7, start));
        }

        await using var after = new FraudApiHost(database);
        using (var client = after.DeviceClient(terminal))
        {
            await client.PostAsync(Events.Sale("j-7", start.AddMinutes(5), cardToken: "tok_velocity_card"));
        }

        var alert = Assert.Single((await after.Get<AlertQueue>().SearchAsync(AccessScope.PlatformAdmin(Ada.Id), new AlertQuery())).Rows);
        Assert.Equal(3, alert.HitCount);
    }

    [Theory, BothDatabases]
    public async Task Alerts_are_visible_and_decidable_only_within_the_scope(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var host = new FraudApiHost(database);
        var mine = await host.CreateTerminalAsync("M-SCOPE-1");
        var theirs = await host.CreateTerminalAsync("M-SCOPE-2");
        using (var client = host.DeviceClient(mine))
        {
            await client.PostAsync(VelocityBurst("s", 6, InStoreHours()));
        }

        using (var client = host.DeviceClient(theirs))
        {
            await client.PostAsync(VelocityBurst("t", 6, InStoreHours()));
        }

        var queue = host.Get<AlertQueue>();
        var owner = new AccessScope(Ada.Id, false, [new MerchantGrant(mine.MerchantId, MerchantRole.Owner)]);
        var officer = new AccessScope(Ada.Id, false, [new MerchantGrant(mine.MerchantId, MerchantRole.ComplianceOfficer)]);
        var stranger = new AccessScope(Guid.NewGuid(), false, [new MerchantGrant(Guid.NewGuid(), MerchantRole.Owner)]);

        var visible = await queue.SearchAsync(owner, new AlertQuery());
        var alert = Assert.Single(visible.Rows);
        Assert.Equal(mine.MerchantId, alert.MerchantId);
        var foreign = Assert.Single((await queue.SearchAsync(AccessScope.PlatformAdmin(Ada.Id), new AlertQuery { MerchantId = theirs.MerchantId })).Rows);

        Assert.Null(await queue.FindAsync(owner, foreign.Id));
        Assert.Empty(await queue.HitsAsync(owner, foreign.Id));
        Assert.Equal(0, (await queue.SearchAsync(stranger, new AlertQuery())).Total);
        Assert.Equal(AlertChangeOutcome.NotFound, await queue.DecideAsync(owner, foreign.Id, AlertDecisionKind.ConfirmFraud, "looks bad", Ada));
        Assert.Equal(AlertChangeOutcome.NotFound, await queue.AssignToAsync(owner, foreign.Id, Ada));
        Assert.Equal(AlertChangeOutcome.Forbidden, await queue.DecideAsync(officer, alert.Id, AlertDecisionKind.ConfirmFraud, "looks bad", Ada));
        Assert.Null(await queue.NextUnassignedAsync(stranger));
        Assert.Equal(alert.Id, (await queue.NextUnassignedAsync(owner))?.Id);
    }

    [Theory, BothDatabases]
    public async Task Assigning_and_deciding_need_a_reason_are_audited_and_a_decided_alert_stays_decided(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var host = new FraudApiHost(database);
        var terminal = await host.CreateTerminalAsync("M-DECIDE-1");
        var start = InStoreHours();
        using var client = host.DeviceClient(terminal);
        await client.PostAsync(VelocityBurst("d", 6, start));
        var scope = new AccessScope(Ada.Id, false, [new MerchantGrant(terminal.MerchantId, MerchantRole.SupportAgent)]);
        var queue = host.Get<AlertQueue>();
        var alert = Assert.Single((await queue.SearchAsync(scope, new AlertQuery())).Rows);

        Assert.Equal(AlertChangeOutcome.Done, await queue.AssignToAsync(scope, alert.Id, Ada));
        Assert.Equal(alert.Id, Assert.Single((await queue.SearchAsync(scope, new AlertQuery { Assignee = AssigneeFilter.Me })).Rows).Id);
        Assert.Null(await queue.NextUnassignedAsync(scope));
        Assert.Equal(AlertChangeOutcome.ReasonRequired, await queue.DecideAsync(scope, alert.Id, AlertDecisionKind.FalsePositive, "  ", Ada));
        Assert.Equal(AlertChangeOutcome.Done, await queue.DecideAsync(scope, alert.Id, AlertDecisionKind.FalsePositive, "Regular customer buying for an event", Ada));
        Assert.Equal(AlertChangeOutcome.AlreadyDecided, await queue.DecideAsync(scope, alert.Id, AlertDecisionKind.ConfirmFraud, "changed my mind", Ada));

        var decided = await queue.FindAsync(scope, alert.Id);
        Assert.Equal(AlertStatus.FalsePositive, decided!.Status);
        Assert.Equal("Regular customer buying for an event", decided.DecisionReason);
        var audit = await host.Get<IAuditLog>().SearchAsync(new AuditQuery { MerchantIds = [terminal.MerchantId], Category = "fraud" });
        Assert.Equal(["alert.dismissed", "alert.assigned"], audit.Rows.Select(r => r.Action));
        Assert.Contains("Regular customer buying for an event", audit.Rows[0].Summary);

        // A later hit on the same card opens a new alert rather than joining the decided one.
        await client.PostAsync(Events.Sale("d-6", start.AddMinutes(4), cardToken: "tok_velocity_card"));
        Assert.Single((await queue.SearchAsync(scope, new AlertQuery())).Rows);
    }
}
