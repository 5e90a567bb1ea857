using AdminPortal.Features.Fraud;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;

namespace AdminPortal.IntegrationTests.Fraud;

public sealed class LiveFeedTests
{
    [Theory, BothDatabases]
    public async Task A_new_alert_is_published_after_it_is_committed_and_its_joins_and_decision_follow(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var host = new FraudApiHost(database);
        var terminal = await host.CreateTerminalAsync("M-LIVE-1");
        var queue = host.Get<AlertQueue>();
        var admin = AccessScope.PlatformAdmin(Guid.NewGuid());
        var opened = new TaskCompletionSource<(FraudAlertNotice Notice, FraudAlert? Visible)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var decided = new TaskCompletionSource<FraudAlertNotice>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = host.Get<IFraudAlertFeed>().Subscribe(async notice =>
        {
            switch (notice.Change)
            {
                case AlertChange.Opened:
                    // What a page does on the notice: read the alert. It must already be there.
                    opened.TrySetResult((notice, await queue.FindAsync(admin, notice.AlertId)));
                    break;
                case AlertChange.Decided:
                    decided.TrySetResult(notice);
                    break;
            }
        });

        using (var client = host.DeviceClient(terminal))
        {
            var start = DateTimeOffset.UtcNow.AddHours(-1);
            await client.PostAsync(Enumerable.Range(0, 6).Select(i => Events.Sale($"l-{i}", start.AddMinutes(i), cardToken: "tok_live")).ToArray());
        }

        var (notice, visible) = await opened.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(terminal.MerchantId, notice.MerchantId);
        Assert.NotNull(visible);
        Assert.Equal(notice.AlertId, visible.Id);

        await queue.DecideAsync(admin, notice.AlertId, AlertDecisionKind.ConfirmFraud, "Cardholder confirmed the card was stolen", new Analyst(Guid.NewGuid(), "Ada"));
        Assert.Equal(notice.AlertId, (await decided.Task.WaitAsync(TimeSpan.FromSeconds(30))).AlertId);
    }
}
