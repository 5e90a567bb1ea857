using AdminPortal.Features.Fraud;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;

namespace AdminPortal.IntegrationTests.Devices;

/// <summary>The device page shows the panels higher slices register: patch compliance and the terminal's fraud alerts.</summary>
public sealed class DevicePanelsTests
{
    [Theory, BothDatabases]
    public async Task The_device_page_shows_its_patch_state_and_only_its_own_fraud_alerts(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var suspicious = await api.EnrollAsync("SN-PANEL-1");
        var quiet = await api.EnrollAsync("SN-PANEL-2");
        await suspicious.CheckInAsync();
        await quiet.CheckInAsync();
        var start = DateTimeOffset.UtcNow.AddMinutes(-10);
        var events = Enumerable.Range(0, 6).Select(i => new
        {
            eventId = $"panel-{i}", occurredAt = start.AddMinutes(i), type = "sale", amountMinor = 2_500L, currency = "EUR",
            cardToken = "tok_panel_card", bin = "424242", last4 = "4242", entryMode = "contactless", result = "approved", responseCode = "00",
        }).ToArray();
        Assert.Equal(System.Net.HttpStatusCode.Accepted, (await suspicious.PostAsync("/api/v1/transactions", new { events })).StatusCode);
        var alert = Assert.Single((await api.Portal.GetService<AlertQueue>().SearchAsync(DeviceApiHarness.Admin, new AlertQuery { MerchantId = api.Merchant.Id })).Rows);

        var officer = await api.Portal.CreatePersonAsync("officer@panels.example");
        await api.Portal.GrantRoleAsync(api.Merchant.Id, officer.Id, MerchantRole.ComplianceOfficer);
        using var asOfficer = await api.Portal.SignedInClientAsync(officer);
        var suspiciousPage = await asOfficer.GetStringAsync($"/devices/{suspicious.DeviceId}");
        var quietPage = await asOfficer.GetStringAsync($"/devices/{quiet.DeviceId}");

        Assert.Contains("device-patch-panel", suspiciousPage);
        Assert.Contains("No active patch policy targets this device.", suspiciousPage);
        Assert.Contains("device-fraud-panel", suspiciousPage);
        Assert.Contains(alert.Reference, suspiciousPage);
        Assert.Contains($"fraud/alerts/{alert.Id}", suspiciousPage);
        Assert.DoesNotContain(alert.Reference, quietPage);
        Assert.Contains("No fraud alerts for this terminal.", quietPage);
    }
}
