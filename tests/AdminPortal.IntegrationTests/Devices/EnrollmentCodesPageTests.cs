using AdminPortal.Features.Devices;
using AdminPortal.Features.Devices.Bulk;
using AdminPortal.Features.Devices.Enrollment;
using AdminPortal.Features.Devices.Pages;
using AdminPortal.Features.Merchants;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using AdminPortal.IntegrationTests.Incidents;
using AdminPortal.IntegrationTests.TestSupport;
using AdminPortal.Testing;
using Bunit;
using Dapper;
using MudBlazor;

namespace AdminPortal.IntegrationTests.Devices;

/// <summary>The enrollment codes page as a circuit renders it, over the real portal's services.</summary>
public sealed class EnrollmentCodesPageTests : IAsyncLifetime
{
    private readonly BunitContext _context = new();

    [Theory, BothDatabases]
    public async Task Every_batch_created_on_the_page_stays_shown_so_no_valid_code_goes_unseen(DatabaseProvider provider)
    {
        // Codes are shown only here. A second click used to replace the first batch on screen: its codes stayed valid
        // for a day and nobody had seen them.
        await using var bed = await IncidentTestBed.StartAsync(provider);
        var page = await RenderAsOwnerAsync(bed);
        var merchant = page.FindComponents<MudSelect<Guid?>>()[0];
        await page.InvokeAsync(() => merchant.Instance.ValueChanged.InvokeAsync(bed.Home.Id)); // its one store is chosen with it
        page.WaitForAssertion(() => Assert.False(page.Find("[data-testid=create-codes]").HasAttribute("disabled")));

        page.Find("[data-testid=create-codes]").Click();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=enrollment-code]")));
        page.WaitForAssertion(() => Assert.False(page.Find("[data-testid=create-codes]").HasAttribute("disabled")));
        page.Find("[data-testid=create-codes]").Click();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=enrollment-code]").Count));
        Assert.Equal(2, page.FindAll("[data-testid=created-codes]").Count);
        var shown = page.FindAll("[data-testid=enrollment-code]").Select(c => c.TextContent).ToList();
        await using var connection = await bed.Portal.GetService<IDbConnectionFactory>().OpenAsync();
        Assert.Equal(shown.Count, await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM enrollment_codes WHERE merchant_id = @id AND used_at IS NULL", new { id = bed.Home.Id }));
        Assert.Equal(2, shown.Distinct().Count());
    }

    private async Task<IRenderedComponent<EnrollmentCodesPage>> RenderAsOwnerAsync(IncidentTestBed bed)
    {
        await _context.UsePortalCircuitAsync(bed.Portal, bed.Owner,
            typeof(IAccessScopeProvider), typeof(EnrollmentCodes), typeof(ExpectedDevices), typeof(MerchantDirectory));
        _context.Render<MudPopoverProvider>();
        var page = _context.Render<EnrollmentCodesPage>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindComponents<MudSelect<Guid?>>().Count));
        return page;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _context.DisposeAsync();
}
