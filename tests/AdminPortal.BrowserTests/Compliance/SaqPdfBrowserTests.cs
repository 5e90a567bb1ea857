using AdminPortal.BrowserTests.TestSupport;
using AdminPortal.Features.Compliance.Assessments;
using AdminPortal.Features.Compliance.Catalogue;
using AdminPortal.Features.Merchants;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using Microsoft.Playwright;
using UglyToad.PdfPig;
using static Microsoft.Playwright.Assertions;

namespace AdminPortal.BrowserTests.Compliance;

[Collection(BrowserCollection.Name)]
public sealed class SaqPdfBrowserTests(BrowserFixture browser)
{
    [Theory, BothDatabases]
    public async Task A_compliance_officer_downloads_the_SAQ_as_a_PDF_from_the_assessment_page(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        var merchant = await portal.GetService<MerchantDirectory>().EnsureMerchantAsync("T-PDF-1", "Harbour Fish Bar", "GB", 4, "P2PE");
        var officer = await portal.CreatePersonAsync("clara@fishbar.example", displayName: "Clara Compliance");
        await portal.GrantRoleAsync(merchant.Id, officer.Id, MerchantRole.ComplianceOfficer);
        var assessment = await portal.GetService<AssessmentStore>().StartAsync(
            new AccessScope(officer.Id, false, [new MerchantGrant(merchant.Id, MerchantRole.ComplianceOfficer)]),
            new ComplianceActor(officer.Id, officer.DisplayName), merchant.Id, "P2PE", new DateOnly(2025, 12, 1), new DateOnly(2026, 11, 30));
        await using var session = await browser.NewSessionAsync(portal.BaseAddress, withAuthenticator: false);
        await session.SignInAsync(portal, officer);

        var page = session.Page;
        await page.GotoAsync($"/compliance/assessments/{assessment.Id}");
        await session.WaitForCircuitAsync();
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export-pdf").ClickAsync());

        Assert.Equal("SAQ-P2PE-T-PDF-1-2026-11-30.pdf", download.SuggestedFilename);
        var file = Path.Combine(Path.GetTempPath(), $"saq-{Guid.NewGuid():N}.pdf");
        try
        {
            await download.SaveAsAsync(file);
            var bytes = await File.ReadAllBytesAsync(file);
            Assert.Equal("%PDF-"u8.ToArray(), bytes[..5]);
            using var pdf = PdfDocument.Open(bytes);
            var text = string.Join(" ", pdf.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text));
            Assert.Contains("Harbour", text);
            var firstRequirement = SaqCatalogue.Default.Get("P2PE").RequirementNumbers.First();
            Assert.Contains(firstRequirement, text);
        }
        finally
        {
            File.Delete(file);
        }

        // The button is usable again once the file has been handed over.
        await Expect(page.GetByTestId("export-pdf")).ToBeEnabledAsync();
    }
}
