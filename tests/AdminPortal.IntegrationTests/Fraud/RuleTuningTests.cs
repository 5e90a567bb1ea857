using AdminPortal.Features.Audit;
using AdminPortal.Features.Fraud;
using AdminPortal.Features.Fraud.Scoring;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;

namespace AdminPortal.IntegrationTests.Fraud;

public sealed class RuleTuningTests
{
    private static readonly Analyst Owen = new(Guid.NewGuid(), "Owen Owner");

    private static DateTimeOffset InStoreHours()
    {
        var day = DateTimeOffset.UtcNow.Date.AddDays(-1);
        while (day.DayOfWeek == DayOfWeek.Sunday)
        {
            day = day.AddDays(-1);
        }

        return new DateTimeOffset(day.AddHours(10), TimeSpan.Zero);
    }

    private static FraudSettings Change(FraudSettings settings, string ruleId, Func<RuleSetting, RuleSetting> change) => settings with
    {
        Rules = settings.Normalised().Rules.Select(r => r.RuleId == ruleId ? change(r) : r).ToList(),
    };

    [Theory, BothDatabases]
    public async Task Saved_settings_round_trip_are_audited_with_what_changed_and_apply_to_the_next_event(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var host = new FraudApiHost(database);
        var terminal = await host.CreateTerminalAsync("M-RULES-1");
        var store = host.Get<FraudSettingsStore>();
        var shadowVelocity = Change(FraudSettings.Default, "card-velocity", r => r with { Shadow = true }) with { AlertThreshold = 70 };

        await store.SaveAsync(terminal.MerchantId, shadowVelocity, Owen);
        var loaded = await store.GetAsync(terminal.MerchantId);
        using (var client = host.DeviceClient(terminal))
        {
            await client.PostAsync(Enumerable.Range(0, 7)
                .Select(i => Events.Sale($"s-{i}", InStoreHours().AddMinutes(i), cardToken: "tok_shadowed")).ToArray());
        }

        Assert.Equal(70, loaded.AlertThreshold);
        Assert.True(loaded.For(RuleCatalog.Find("card-velocity")!).Shadow);
        var audit = Assert.Single((await host.Get<IAuditLog>().SearchAsync(new AuditQuery { MerchantIds = [terminal.MerchantId], Category = "fraud" })).Rows);
        Assert.Equal("rules.changed", audit.Action);
        Assert.Contains("alert threshold 60 → 70", audit.Summary);
        Assert.Contains("Card velocity in shadow mode", audit.Summary);

        // Shadow mode: the hits are recorded (and that they would have alerted) but no alert opens.
        Assert.Equal(0, (await host.Get<AlertQueue>().SearchAsync(AccessScope.PlatformAdmin(Owen.Id), new AlertQuery())).Total);
        var activity = await host.Get<RuleStatistics>().RecentAsync(terminal.MerchantId, 30);
        Assert.Equal(new RuleActivity("card-velocity", 0, 2, 0), activity["card-velocity"]);
    }

    [Theory, BothDatabases]
    public async Task A_shadow_hit_that_would_have_crossed_the_threshold_is_counted_as_would_have_alerted(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var host = new FraudApiHost(database);
        var terminal = await host.CreateTerminalAsync("M-RULES-2");
        await host.Get<FraudSettingsStore>().SaveAsync(terminal.MerchantId, Change(FraudSettings.Default, "card-velocity", r => r with { Shadow = true }), Owen);

        using (var client = host.DeviceClient(terminal))
        {
            var response = await client.PostAsync(Enumerable.Range(0, 6).Select(i => Events.Sale($"w-{i}", InStoreHours().AddMinutes(i), cardToken: "tok_would_alert")).ToArray());
            Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        }

        var activity = await host.Get<RuleStatistics>().RecentAsync(terminal.MerchantId, 30);
        Assert.Equal(new RuleActivity("card-velocity", 0, 1, 1), activity.GetValueOrDefault("card-velocity"));
    }

    [Theory, BothDatabases]
    public async Task A_backtest_counts_the_alerts_current_and_proposed_settings_would_open_and_reports_progress(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var host = new FraudApiHost(database);
        var terminal = await host.CreateTerminalAsync("M-BACKTEST-1");
        var start = InStoreHours();
        using (var client = host.DeviceClient(terminal))
        {
            // Two separate bursts on two cards, hours apart: two alerts with today's settings.
            var first = await client.PostAsync(Enumerable.Range(0, 6).Select(i => Events.Sale($"a-{i}", start.AddMinutes(i), cardToken: "tok_burst_a")).ToArray());
            var second = await client.PostAsync(Enumerable.Range(0, 6).Select(i => Events.Sale($"b-{i}", start.AddHours(3).AddMinutes(i), cardToken: "tok_burst_b")).ToArray());
            Assert.Equal(System.Net.HttpStatusCode.Accepted, first.StatusCode);
            Assert.Equal(System.Net.HttpStatusCode.Accepted, second.StatusCode);
        }

        var current = await host.Get<FraudSettingsStore>().GetAsync(terminal.MerchantId);
        var relaxed = Change(current, "card-velocity", r => r with { Parameters = new Dictionary<string, double>(r.Parameters) { ["maxCount"] = 10 } });
        var reports = new List<double>();

        var result = await host.Get<Backtester>().RunAsync(terminal.MerchantId, current, relaxed, 7, new SyncProgress(reports.Add), CancellationToken.None);

        Assert.Equal(12, result.Events);
        Assert.Equal(2, result.Current.AlertsOpened);
        Assert.Equal(2, result.Current.AlertsByRule["card-velocity"]);
        Assert.Equal(0, result.Proposed.AlertsOpened);
        Assert.Equal(1.0, reports[^1]);
        Assert.Equal(reports.Order(), reports);
        Assert.Equal(2, (await host.Get<AlertQueue>().SearchAsync(AccessScope.PlatformAdmin(Owen.Id), new AlertQuery())).Total);
    }

    private sealed class SyncProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
