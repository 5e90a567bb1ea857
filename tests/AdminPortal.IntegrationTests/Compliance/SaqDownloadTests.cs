using System.Net;
using AdminPortal.Features.Compliance.Assessments;
using AdminPortal.Features.Compliance.Export;
using AdminPortal.Features.Merchants;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
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
        var clara = await portal.CreatePersonAsync("clara@bakery.example", displayName: "Clara Compliance");
        var otto = await portal.CreatePersonAsync("otto@coffee.example");
        var sam = await portal.CreatePersonAsync("sam@provider.example");
        await portal.GrantRoleAsync(bakery.Id, clara.Id, MerchantRole.ComplianceOfficer);
        await portal.GrantRoleAsync(coffee.Id, otto.Id, MerchantRole.ComplianceOfficer);
        await portal.GrantRoleAsync(bakery.Id, sam.Id, MerchantRole.SupportAgent);
        var officer = new ComplianceActor(clara.Id, clara.DisplayName);
        var officerScope = new AccessScope(clara.Id, false, [new MerchantGrant(bakery.Id, MerchantRole.ComplianceOfficer)]);
        var assessment = await portal.GetService<AssessmentStore>().StartAsync(officerScope, officer, bakery.Id, "P2PE", new DateOnly(2025, 12, 1), new DateOnly(2026, 11, 30));
        var url = SaqExportEndpoint.For(assessment.Id);

        using (var anonymous = portal.CreatePortalClient())
        {
            var refused = await anonymous.GetAsync(url);
            Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
            Assert.Contains("/sign-in", refused.Headers.Location!.OriginalString);
        }

        using var asOfficer = await portal.SignedInClientAsync(clara);
        var response = await asOfficer.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("SAQ-P2PE-T-DE-9-2026-11-30.pdf", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName);
        using (var pdf = PdfDocument.Open(await response.Content.ReadAsByteArrayAsync()))
        {
            Assert.Contains("Download", string.Join(" ", pdf.GetPage(1).GetWords().Select(w => w.Text)));
        }

        using var asOther = await portal.SignedInClientAsync(otto);
        Assert.Equal(HttpStatusCode.NotFound, (await asOther.GetAsync(url)).StatusCode);

        using var asAgent = await portal.SignedInClientAsync(sam);
        Assert.Equal(HttpStatusCode.Forbidden, (await asAgent.GetAsync(url)).StatusCode);
    }
}
