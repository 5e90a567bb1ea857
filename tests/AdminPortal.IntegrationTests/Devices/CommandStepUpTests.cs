using AdminPortal.Features.Accounts.StepUp;
using AdminPortal.Features.Audit;
using AdminPortal.Features.Devices;
using AdminPortal.Features.Devices.Commands;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using Dapper;

namespace AdminPortal.IntegrationTests.Devices;

/// <summary>
/// The command service itself demands a fresh step-up for lock, wipe and retire (not only the device page), so every
/// caller is covered; only an explicit system actor goes without, and the audit log says so.
/// </summary>
public sealed class CommandStepUpTests
{
    [Theory, BothDatabases]
    public async Task A_stale_session_cannot_lock_wipe_retire_or_report_lost_and_a_fresh_assertion_can(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var terminal = await api.EnrollAsync();
        var commands = api.Portal.GetService<DeviceCommandService>();
        var ada = await api.Portal.CreatePersonAsync("ada@merchant-a.example", displayName: "Ada Owner");
        await api.Portal.GrantRoleAsync(api.Merchant.Id, ada.Id, MerchantRole.Owner);
        var stale = await api.Portal.SignedInPrincipalAsync(ada, freshStepUp: false);
        var fresh = await api.Portal.SignedInPrincipalAsync(ada, freshStepUp: true);
        var scope = await api.Portal.GetService<IAccessScopeProvider>().GetAsync(fresh);
        var staleActor = new DeviceActor(ada.Id, "Ada Owner", User: stale);

        foreach (var type in new[] { DeviceCommandType.Lock, DeviceCommandType.Wipe, DeviceCommandType.Retire })
        {
            await Assert.ThrowsAsync<StepUpRequiredException>(() => commands.IssueAsync(scope, staleActor, terminal.DeviceId, type));
        }

        await Assert.ThrowsAsync<StepUpRequiredException>(() => commands.ReportLostAsync(scope, staleActor, terminal.DeviceId));
        // A person with no principal to check, or with somebody else's fresh one, is refused as well.
        var someoneElse = await api.Portal.SignedInPrincipalAsync(await api.Portal.CreatePersonAsync("bob@merchant-a.example"), freshStepUp: true);
        await Assert.ThrowsAsync<StepUpRequiredException>(() => commands.IssueAsync(scope, new DeviceActor(ada.Id, "Ada Owner"), terminal.DeviceId, DeviceCommandType.Wipe));
        await Assert.ThrowsAsync<StepUpRequiredException>(() => commands.IssueAsync(scope, new DeviceActor(ada.Id, "Ada Owner", User: someoneElse), terminal.DeviceId, DeviceCommandType.Wipe));
        await Assert.ThrowsAsync<StepUpRequiredException>(() => commands.IssueAsync(scope, new DeviceActor(null, "unknown person"), terminal.DeviceId, DeviceCommandType.Lock));

        // Nothing was queued and the device is still active.
        await using (var connection = await api.Portal.GetService<IDbConnectionFactory>().OpenAsync())
        {
            Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM device_commands"));
            Assert.Equal((long)DeviceStatus.Active, await connection.ExecuteScalarAsync<long>("SELECT CAST(status AS BIGINT) FROM devices"));
        }

        // A reboot needs no step-up; lock and wipe with a fresh assertion go through.
        await commands.IssueAsync(scope, staleActor, terminal.DeviceId, DeviceCommandType.Reboot);
        var freshActor = new DeviceActor(ada.Id, "Ada Owner", User: fresh);
        await commands.IssueAsync(scope, freshActor, terminal.DeviceId, DeviceCommandType.Lock);
        await commands.IssueAsync(scope, freshActor, terminal.DeviceId, DeviceCommandType.Wipe);

        Assert.Equal(["lock", "reboot", "wipe"], (await terminal.CheckInAsync()).Commands.Select(c => c.Type).Order());
    }

    [Theory, BothDatabases]
    public async Task A_system_actor_locks_without_a_person_and_the_audit_log_names_it(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var terminal = await api.EnrollAsync();

        await api.Portal.GetService<DeviceCommandService>()
            .IssueAsync(DeviceApiHarness.Admin, DeviceActor.System("policy enforcement"), terminal.DeviceId, DeviceCommandType.Lock);

        Assert.Equal("lock", Assert.Single((await terminal.CheckInAsync()).Commands).Type);
        var audit = await api.Portal.GetService<IAuditLog>().SearchAsync(new AuditQuery { MerchantIds = [api.Merchant.Id], Category = "devices" });
        var entry = Assert.Single(audit.Rows, r => r.Action == "device.lock-requested");
        Assert.Equal("policy enforcement", entry.ActorName);
        Assert.Contains("system: policy enforcement, no person", entry.Summary);
    }
}
