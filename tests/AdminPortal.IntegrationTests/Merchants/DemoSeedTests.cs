using AdminPortal.Infrastructure.CommandLine;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Features.Merchants;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Testing;

namespace AdminPortal.IntegrationTests.Merchants;

public sealed class DemoSeedTests
{
    [Theory, BothDatabases]
    public async Task Seeding_twice_leaves_three_merchants_with_stores_in_three_countries(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        var seeders = portal.Services.GetServices<IDemoSeeder>().OrderBy(s => s.Order).ToList();

        foreach (var _ in Enumerable.Range(0, 2))
        {
            foreach (var seeder in seeders)
            {
                await seeder.SeedAsync(CancellationToken.None);
            }
        }

        var directory = portal.GetService<MerchantDirectory>();
        var summary = await directory.SummariseAsync(AccessScope.PlatformAdmin(Guid.NewGuid()));
        Assert.Equal(new EstateSummary(3, 6, 3), summary);
        var coffee = await directory.FindMerchantByNumberAsync("DEMO-GB-0001");
        var stores = await directory.ListStoresUnscopedAsync(coffee!.Id);
        Assert.Equal(["London Bridge", "Manchester Piccadilly"], stores.Select(s => s.Name));
        Assert.Equal(DayOfWeek.Monday, stores[0].OpeningHours!.Periods[0].Day);
        Assert.Equal(new TimeOnly(9, 0), stores[0].OpeningHours!.Periods[0].Opens);
    }
}
