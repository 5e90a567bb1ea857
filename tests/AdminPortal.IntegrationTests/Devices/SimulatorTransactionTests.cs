using System.Text.RegularExpressions;
using AdminPortal.Features.Devices.Simulator;
using AdminPortal.Features.Fraud;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using Dapper;

namespace AdminPortal.IntegrationTests.Devices;

public sealed partial class SimulatorTransactionTests
{
    [Theory, BothDatabases]
    public async Task Simulated_terminals_report_token_only_transactions_and_their_injected_fraud_opens_alerts(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var settings = new SimulationSettings(api.Merchant.Id, api.Store.Id, 2, "SIMTX-", TamperRate: 0, RoamRate: 0,
            TransactionsPerCheckIn: 5, FraudRate: 1);
        var terminals = await api.Portal.GetService<TerminalSimulation>().EnrollAsync(api.Client, settings, CancellationToken.None);

        await TerminalSimulation.RoundAsync(terminals, settings, CancellationToken.None);
        await TerminalSimulation.RoundAsync(terminals, settings, CancellationToken.None);

        var stored = await StoredEventsAsync(api);
        Assert.Equal(terminals.Sum(t => t.TransactionsAccepted), stored.Count);
        Assert.True(stored.Count >= 2 * 2 * 6, $"Expected at least 24 events (5 ordinary + at least one staged per batch), got {stored.Count}.");
        Assert.All(terminals, t => Assert.Equal(0, t.TransactionsDuplicate));
        Assert.All(stored, e =>
        {
            Assert.Matches("^tok_[a-z]{24}$", e.CardToken);
            Assert.Matches("^[0-9]{6}$", e.Bin);
            Assert.Matches("^[0-9]{4}$", e.Last4);
            Assert.False(LongDigitRun().IsMatch(e.EventId), $"Event id {e.EventId} holds a long run of digits.");
        });
        Assert.Equal(stored.Count, stored.Select(e => e.EventId).Distinct().Count());

        // Every batch staged a fraud pattern: each terminal's patterns opened (or joined) an alert of the merchant.
        var alerts = await api.Portal.GetService<AlertQueue>().SearchAsync(DeviceApiHarness.Admin, new AlertQuery { MerchantId = api.Merchant.Id, Take = 50 });
        Assert.NotEmpty(alerts.Rows);
        Assert.Equal(terminals.Select(t => t.DeviceId!.Value).Order(), alerts.Rows.Select(a => a.DeviceId).Distinct().Order());
    }

    [Theory, BothDatabases]
    public async Task A_batch_whose_answer_was_lost_is_sent_again_with_the_same_event_ids_and_stored_once(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var network = new LosingNetwork { InnerHandler = new HttpClientHandler() };
        using var http = new HttpClient(network) { BaseAddress = api.Portal.BaseAddress };
        var settings = new SimulationSettings(api.Merchant.Id, api.Store.Id, 1, "SIMRT-", TamperRate: 0, RoamRate: 0, TransactionsPerCheckIn: 8);
        var terminal = (await api.Portal.GetService<TerminalSimulation>().EnrollAsync(http, settings, CancellationToken.None)).Single();

        network.LoseNextTransactionsAnswer = true;
        await TerminalSimulation.RoundAsync([terminal], settings, CancellationToken.None);
        var afterLostAnswer = await StoredEventsAsync(api);
        await TerminalSimulation.RoundAsync([terminal], settings, CancellationToken.None);
        await TerminalSimulation.RoundAsync([terminal], settings, CancellationToken.None);

        // The portal stored the first batch although the terminal never heard so; the resend is recognised, not repeated.
        Assert.Equal(8, afterLostAnswer.Count);
        Assert.Equal(1, terminal.BatchesRetried);
        Assert.Equal(8, terminal.TransactionsDuplicate);
        Assert.Equal(8, terminal.TransactionsAccepted);
        var stored = await StoredEventsAsync(api);
        Assert.Equal(16, stored.Count);
        Assert.Subset(stored.Select(e => e.EventId).ToHashSet(), afterLostAnswer.Select(e => e.EventId).ToHashSet());
    }

    private static async Task<List<StoredEvent>> StoredEventsAsync(DeviceApiHarness api)
    {
        await using var connection = await api.Portal.GetService<IDbConnectionFactory>().OpenAsync();
        return (await connection.QueryAsync<StoredEvent>(
            "SELECT event_id AS EventId, card_token AS CardToken, bin AS Bin, last4 AS Last4 FROM fraud_events WHERE merchant_id = @merchantId",
            new { merchantId = api.Merchant.Id })).AsList();
    }

    [GeneratedRegex("[0-9]{13}")]
    private static partial Regex LongDigitRun();

    private sealed class StoredEvent
    {
        public required string EventId { get; init; }
        public required string CardToken { get; init; }
        public required string Bin { get; init; }
        public required string Last4 { get; init; }
    }

    /// <summary>Delivers a request to the portal and then drops its answer, as a mobile network does.</summary>
    private sealed class LosingNetwork : DelegatingHandler
    {
        public bool LoseNextTransactionsAnswer { get; set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (LoseNextTransactionsAnswer && request.RequestUri!.AbsolutePath == "/api/v1/transactions")
            {
                LoseNextTransactionsAnswer = false;
                response.Dispose();
                throw new HttpRequestException("The connection was reset before the answer arrived.");
            }

            return response;
        }
    }
}
