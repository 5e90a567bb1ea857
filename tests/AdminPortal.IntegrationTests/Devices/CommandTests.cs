using System.Net;
using System.Net.Http.Json;
using AdminPortal.Features.Devices;
using AdminPortal.Features.Devices.Api;
using AdminPortal.Features.Devices.Commands;
using AdminPortal.Features.Merchants;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using Dapper;

namespace AdminPortal.IntegrationTests.Devices;

public sealed class CommandTests
{
    [Theory, BothDatabases]
    public async Task A_lock_flows_queued_delivered_succeeded_and_locks_the_device_once(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var terminal = await api.EnrollAsync();
        var commands = api.Portal.GetService<DeviceCommandService>();
        var ada = await api.Portal.CreatePersonAsync("ada@merchant-a.example", displayName: "Ada Owner");
        await api.Portal.GrantRoleAsync(api.Merchant.Id, ada.Id, MerchantRole.Owner);
        var user = await api.Portal.SignedInPrincipalAsync(ada, freshStepUp: true);
        var owner = await api.Portal.GetService<IAccessScopeProvider>().GetAsync(user);
        var actor = new DeviceActor(ada.Id, "Ada Owner", User: user);

        var id = await commands.IssueAsync(owner, actor, terminal.DeviceId, DeviceCommandType.Lock);
        var again = await commands.IssueAsync(owner, actor, terminal.DeviceId, DeviceCommandType.Lock);
        Assert.Equal(DeviceCommandStatus.Queued, await StatusAsync(api, id));

        var delivered = await terminal.CheckInAsync();
        Assert.Equal(id, again);
        var message = Assert.Single(delivered.Commands);
        Assert.Equal((id, "lock"), (message.Id, message.Type));
        Assert.Equal(DeviceCommandStatus.Delivered, await StatusAsync(api, id));

        var first = await terminal.AckAsync(id);
        var retry = await terminal.AckAsync(id);
        var contradicting = await terminal.AckAsync(id, "failed");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("succeeded", (await first.Content.ReadFromJsonAsync<AckResponse>())!.Status);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, contradicting.StatusCode);
        Assert.Equal(DeviceCommandStatus.Succeeded, await StatusAsync(api, id));
        Assert.Empty((await terminal.CheckInAsync()).Commands);
        await using var connection = await api.Portal.GetService<IDbConnectionFactory>().OpenAsync();
        Assert.Equal((long)DeviceStatus.Locked, await connection.ExecuteScalarAsync<long>("SELECT CAST(status AS BIGINT) FROM devices"));
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'device.lock-succeeded'"));
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'device.lock-requested'"));
    }

    [Theory, BothDatabases]
    public async Task An_unanswered_delivered_command_is_handed_over_again_and_acks_of_other_devices_commands_are_not_found(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var terminal = await api.EnrollAsync("SN-1");
        var other = await api.EnrollAsync("SN-2");
        var id = await api.Portal.GetService<DeviceCommandService>().IssueAsync(DeviceApiHarness.Admin, DeviceActor.CommandLine, terminal.DeviceId, DeviceCommandType.Reboot);

        Assert.Single((await terminal.CheckInAsync()).Commands);
        Assert.Single((await terminal.CheckInAsync()).Commands);
        var foreign = await other.AckAsync(id);
        var unknown = await terminal.AckAsync(Guid.NewGuid());

        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(DeviceCommandStatus.Delivered, await StatusAsync(api, id));
    }

    [Theory, BothDatabases]
    public async Task Commands_respect_the_scope_and_role(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var terminal = await api.EnrollAsync();
        var (other, _) = await DeviceApiHarness.AddMerchantAsync(api.Portal.GetService<MerchantDirectory>(), "B");
        var commands = api.Portal.GetService<DeviceCommandService>();
        var foreignOwner = new AccessScope(Guid.NewGuid(), false, [new MerchantGrant(other.Id, MerchantRole.Owner)]);
        var officer = new AccessScope(Guid.NewGuid(), false, [new MerchantGrant(api.Merchant.Id, MerchantRole.ComplianceOfficer)]);
        var agent = new AccessScope(Guid.NewGuid(), false, [new MerchantGrant(api.Merchant.Id, MerchantRole.SupportAgent)]);

        await Assert.ThrowsAsync<DeviceNotFoundException>(() => commands.IssueAsync(foreignOwner, DeviceActor.CommandLine, terminal.DeviceId, DeviceCommandType.Wipe));
        await Assert.ThrowsAsync<DeviceActionDeniedException>(() => commands.IssueAsync(officer, DeviceActor.CommandLine, terminal.DeviceId, DeviceCommandType.Wipe));
        await commands.IssueAsync(agent, DeviceActor.CommandLine, terminal.DeviceId, DeviceCommandType.Wipe);

        Assert.Equal("wipe", Assert.Single((await terminal.CheckInAsync()).Commands).Type);
    }

    [Theory, BothDatabases]
    public async Task Reporting_a_device_lost_marks_it_at_once_and_queues_a_lock(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var terminal = await api.EnrollAsync();

        await api.Portal.GetService<DeviceCommandService>().ReportLostAsync(DeviceApiHarness.Admin, DeviceActor.CommandLine, terminal.DeviceId);

        Assert.Equal("lock", Assert.Single((await terminal.CheckInAsync()).Commands).Type);
        await using var connection = await api.Portal.GetService<IDbConnectionFactory>().OpenAsync();
        Assert.Equal((long)DeviceStatus.LostOrStolen, await connection.ExecuteScalarAsync<long>("SELECT CAST(status AS BIGINT) FROM devices"));
    }

    private static async Task<DeviceCommandStatus> StatusAsync(DeviceApiHarness api, Guid id)
    {
        await using var connection = await api.Portal.GetService<IDbConnectionFactory>().OpenAsync();
        return (DeviceCommandStatus)await connection.ExecuteScalarAsync<long>("SELECT CAST(status AS BIGINT) FROM device_commands WHERE id = @id", new { id });
    }
}
