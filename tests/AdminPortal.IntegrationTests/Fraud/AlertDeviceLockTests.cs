using AdminPortal.Features.Accounts.StepUp;
using AdminPortal.Features.Audit;
using AdminPortal.Features.Devices;
using AdminPortal.Features.Devices.Commands;
using AdminPortal.Features.Fraud;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using AdminPortal.IntegrationTests.Devices;
using AdminPortal.Testing;

namespace AdminPortal.IntegrationTests.Fraud;

public sealed class AlertDeviceLockTests
{
    [Theory, BothDatabases]
    public async Task Locking_the_terminal_of_an_alert_needs_the_right_role_a_reason_and_step_up_and_is_audited(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var terminal = await api.EnrollAsync("SN-FRAUD-LOCK");
        await terminal.CheckInAsync();
        var start = DateTimeOffset.UtcNow.AddMinutes(-10);
        var events = Enumerable.Range(0, 6).Select(i => new
        {
            eventId = $"lock-{i}", occurredAt = start.AddMinutes(i), type = "sale", amountMinor = 4_000L, currency = "EUR",
            cardToken = "tok_lock_card", bin = "411111", last4 = "1111", entryMode = "contactless", result = "approved", responseCode = "00",
        }).ToArray();
        await terminal.PostAsync("/api/v1/transactions", new { events });
        var alert = Assert.Single((await api.Portal.GetService<AlertQueue>().SearchAsync(DeviceApiHarness.Admin, new AlertQuery { MerchantId = api.Merchant.Id })).Rows);

        var owner = await api.Portal.CreatePersonAsync("owner@lock.example", displayName: "Olive Owner");
        await api.Portal.GrantRoleAsync(api.Merchant.Id, owner.Id, MerchantRole.Owner);
        var officer = await api.Portal.CreatePersonAsync("officer@lock.example");
        await api.Portal.GrantRoleAsync(api.Merchant.Id, officer.Id, MerchantRole.ComplianceOfficer);
        var scopes = api.Portal.GetService<IAccessScopeProvider>();
        var locks = api.Portal.GetService<AlertDeviceLock>();
        var olive = new Analyst(owner.Id, "Olive Owner");
        var stale = await api.Portal.SignedInPrincipalAsync(owner, freshStepUp: false);
        var fresh = await api.Portal.SignedInPrincipalAsync(owner, freshStepUp: true);
        var officerUser = await api.Portal.SignedInPrincipalAsync(officer, freshStepUp: true);

        var staleScope = await scopes.GetAsync(stale);
        await Assert.ThrowsAsync<StepUpRequiredException>(() => locks.LockAsync(staleScope, stale, olive, alert.Id, "Card reported stolen"));
        Assert.Equal(AlertLockOutcome.Forbidden,
            await locks.LockAsync(await scopes.GetAsync(officerUser), officerUser, new Analyst(officer.Id, "Officer"), alert.Id, "Looks bad"));
        Assert.Equal(AlertLockOutcome.ReasonRequired, await locks.LockAsync(await scopes.GetAsync(fresh), fresh, olive, alert.Id, "  "));
        Assert.Empty(await api.Portal.GetService<DeviceDirectory>().ListCommandsAsync(DeviceApiHarness.Admin, api.Merchant.Id, terminal.DeviceId));

        Assert.Equal(AlertLockOutcome.Queued, await locks.LockAsync(await scopes.GetAsync(fresh), fresh, olive, alert.Id, "Card reported stolen by its holder"));

        var command = Assert.Single(await api.Portal.GetService<DeviceDirectory>().ListCommandsAsync(DeviceApiHarness.Admin, api.Merchant.Id, terminal.DeviceId));
        Assert.Equal((DeviceCommandType.Lock, DeviceCommandStatus.Queued, "Olive Owner"), (command.Type, command.Status, command.IssuedByName));
        var audited = await api.Portal.GetService<IAuditLog>().SearchAsync(new AuditQuery { MerchantIds = [api.Merchant.Id], Category = "fraud" });
        Assert.Contains(audited.Rows, r => r.Action == "alert.device-locked" && r.Summary.Contains("Card reported stolen by its holder") && r.TargetId == alert.Id.ToString());
        var checkIn = await terminal.CheckInAsync();
        Assert.Equal("lock", Assert.Single(checkIn.Commands).Type);
    }
}
