using System.Net;
using AdminPortal.Features.Devices;
using AdminPortal.Features.Devices.Commands;
using AdminPortal.Features.Merchants;
using AdminPortal.Infrastructure.Database;
using AdminPortal.IntegrationTests.Devices;
using AdminPortal.Testing;

namespace AdminPortal.IntegrationTests.ScaleOut;

public sealed partial class TwoInstanceTests
{
    // LISTEN/NOTIFY: PostgreSQL only (on SQLite there is one instance).
    [Fact]
    public async Task A_terminal_retired_through_instance_A_is_refused_by_instance_B_that_had_cached_its_identity()
    {
        await using var a = await PortalHost.StartAsync(DatabaseProvider.Postgres);
        await using var b = PortalHost.StartAnotherInstance(a);
        var (merchant, store) = await DeviceApiHarness.AddMerchantAsync(a.GetService<MerchantDirectory>(), "RETIRE");
        var onA = await EnrollAsync(a, merchant, store);
        var onB = new DeviceApiHarness.Terminal(onA.DeviceId, onA.Secret, b.CreatePortalClient());
        var retire = await a.GetService<DeviceCommandService>().IssueAsync(DeviceApiHarness.Admin, DeviceActor.CommandLine, onA.DeviceId, DeviceCommandType.Retire);
        Assert.Single((await onB.CheckInAsync()).Commands);

        Assert.Equal(HttpStatusCode.OK, (await onA.AckAsync(retire)).StatusCode);

        // B learns of it by NOTIFY, a moment after A's commit: wait for B to forget, without waiting for the cache to expire
        // (its lifetime is a minute; the test gives up long before).
        var credentials = b.GetService<DeviceCredentials>();
        for (var attempt = 0; attempt < 100 && await credentials.AuthenticateAsync(onA.Secret, CancellationToken.None) is not null; attempt++)
        {
            await Task.Delay(100);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await onB.AckAsync(retire)).StatusCode);
    }
}
