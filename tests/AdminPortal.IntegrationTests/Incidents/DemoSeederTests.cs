using AdminPortal.Features.Incidents;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.CommandLine;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;

namespace AdminPortal.IntegrationTests.Incidents;

public sealed class DemoSeederTests
{
    [Theory, BothDatabases]
    public async Task The_demo_seeder_gives_each_demo_merchant_three_incidents_once(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        var (demo, _) = await portal.CreateMerchantAsync("Demo Merchant", "DEMO-XX-0001");
        await portal.CreateMerchantAsync("Real Merchant", "REAL-0001");
        var seeder = portal.Services.GetServices<IDemoSeeder>().OfType<IncidentsDemoSeeder>().Single();

        Assert.Equal("Demo incidents: 3 added.", await seeder.SeedAsync(CancellationToken.None));
        Assert.Equal("Demo incidents: 0 added.", await seeder.SeedAsync(CancellationToken.None));

        var all = (await portal.GetService<IncidentStore>().SearchAsync(AccessScope.PlatformAdmin(Guid.NewGuid()),
            new IncidentQuery { Status = IncidentStatusFilter.Any })).Rows;
        Assert.All(all, i => Assert.Equal(demo.Id, i.MerchantId));
        Assert.Equal([IncidentStatus.New, IncidentStatus.Containment, IncidentStatus.Closed], all.OrderBy(i => i.Severity).Select(i => i.Status));
    }
}
