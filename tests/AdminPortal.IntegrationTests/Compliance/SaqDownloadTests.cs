using System.Net;
using System.Security.Claims;
using AdminPortal.Features.Compliance.Assessments;
using AdminPortal.Features.Compliance.Export;
using AdminPortal.Features.Merchants;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using Microsoft.AspNetCore.TestHost;
using UglyToad.PdfPig;

namespace AdminPortal.IntegrationTests.Compliance;

public sealed class SaqDownloadTests
{
    [Theory, BothDatabases]
    public async Task The_download_serves_the_PDF_to_the_merchants_officer_and_not_found_to_anyone_else(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        var merchants = portal.GetService<MerchantDirectory>();
        var bakery = await merchants.EnsureMerchantAsync("T-DE-9", "Download Bakery", "DE", 4, "P2PE");
        var coffee = await merchants.EnsureMerchantAsync("T-GB-9", "Download Coffee", "GB", 4, "SPoC");
        var officer = new ComplianceActor(Guid.NewGuid(), "Clara Compliance");
        var officerScope = new AccessScope(officer.PersonId, false, [new MerchantGrant(bakery.Id, MerchantRole.ComplianceOfficer)]);
        var assessment = await portal.GetService<AssessmentStore>().StartAsync(officerScope, officer, bakery.Id, "P2PE", new DateOnly(2025, 12, 1), new DateOnly(2026, 11, 30));

        // Until the Accounts slice registers a provider, nobody has a scope: the download reads as not found.
        using (var anonymous = portal.CreatePortalClient())
        {
            Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(SaqExportEndpoint.For(assessment.Id))).StatusCode);
        }

        using var asOfficer = WithScope(portal, officerScope).CreateClient();
        var response = await asOfficer.GetAsync(SaqExportEndpoint.For(assessment.Id));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("SAQ-P2PE-T-DE-9-2026-11-30.pdf", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName);
        using (var pdf = PdfDocument.Open(await response.Content.ReadAsByteArrayAsync()))
        {
            Assert.Contains("Download", string.Join(" ", pdf.GetPage(1).GetWords().Select(w => w.Text)));
        }

        var otherOfficer = new AccessScope(Guid.NewGuid(), false, [new MerchantGrant(coffee.Id, MerchantRole.ComplianceOfficer)]);
        using var asOther = WithScope(portal, otherOfficer).CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await asOther.GetAsync(SaqExportEndpoint.For(assessment.Id))).StatusCode);

        var agent = new AccessScope(Guid.NewGuid(), false, [new MerchantGrant(bakery.Id, MerchantRole.SupportAgent)]);
        using var asAgent = WithScope(portal, agent).CreateClient();
        Assert.Equal(HttpStatusCode.Forbidden, (await asAgent.GetAsync(SaqExportEndpoint.For(assessment.Id))).StatusCode);
    }

    /// <summary>Test-only: the portal with a fixed scope for every request, standing in for the provider the integrator registers.</summary>
    private static Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> WithScope(PortalHost portal, AccessScope scope) =>
        portal.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
            services.AddSingleton<IAccessScopeProvider>(new FixedScope(scope))));

    private sealed class FixedScope(AccessScope scope) : IAccessScopeProvider
    {
        public Task<AccessScope> GetAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default) => Task.FromResult(scope);
    }
}
