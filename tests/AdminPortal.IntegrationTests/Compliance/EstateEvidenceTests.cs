using System.Security.Cryptography;
using AdminPortal.Features.Accounts.WebAuthn;
using AdminPortal.Features.Compliance.Assessments;
using AdminPortal.Features.Compliance.Catalogue;
using AdminPortal.Features.Compliance.Evidence;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Features.Patching;
using AdminPortal.Infrastructure.Database;
using AdminPortal.IntegrationTests.Devices;
using AdminPortal.Testing;

namespace AdminPortal.IntegrationTests.Compliance;

/// <summary>Evidence the portal proposes from its accounts, its terminals and their patch installs (the running portal, both databases).</summary>
public sealed class EstateEvidenceTests
{
    [Theory, BothDatabases]
    public async Task MFA_coverage_lockout_the_terminal_inventory_tamper_reports_and_patch_latency_become_proposed_answers(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var portal = api.Portal;
        var clara = await portal.CreatePersonAsync("clara@evidence.example", displayName: "Clara Compliance");
        var olga = await portal.CreatePersonAsync("olga@evidence.example", displayName: "Olga Owner");
        await portal.GrantRoleAsync(api.Merchant.Id, clara.Id, MerchantRole.ComplianceOfficer);
        await portal.GrantRoleAsync(api.Merchant.Id, olga.Id, MerchantRole.Owner);
        await portal.GetService<CredentialStore>().AddAsync(new SecurityKey
        {
            Id = Guid.NewGuid(), PersonId = clara.Id, CredentialId = RandomNumberGenerator.GetBytes(32), PublicKey = RandomNumberGenerator.GetBytes(77),
            Name = "Clara's key", CreatedAt = DateTimeOffset.UtcNow,
        });

        // A critical OS release twelve days old; one terminal installed it ten days later and says so at check-in, the other reports tampering.
        var now = DateTimeOffset.UtcNow;
        await portal.GetService<PatchReleaseCatalogue>().CreateAsync(AccessScope.PlatformAdmin(Guid.NewGuid()), new PatchingActor(Guid.NewGuid(), "Platform Admin"),
            new NewRelease(PatchComponent.Os, "12.0", ReleaseSeverity.Critical, now.AddDays(-12), [], ["CVE-2026-12345"], null));
        var patched = await api.EnrollAsync("EVID-1");
        var tampered = await api.EnrollAsync("EVID-2");
        await patched.CheckInAsync(new
        {
            osVersion = "12.0", firmwareVersion = "2.1", appVersion = "3.4.0", batteryPercent = 80,
            network = new { type = "wifi", encrypted = true }, tamper = new { state = "ok" },
            installs = new[] { new { reportId = Guid.NewGuid(), component = "os", version = "12.0", status = "succeeded", occurredAt = now.AddDays(-2) } },
        });
        await tampered.CheckInAsync(DeviceApiHarness.CheckInBody(tamper: "tampered"));

        var claraScope = new AccessScope(clara.Id, false, [new MerchantGrant(api.Merchant.Id, MerchantRole.ComplianceOfficer)]);
        var assessment = await portal.GetService<AssessmentStore>().StartAsync(claraScope, new ComplianceActor(clara.Id, clara.DisplayName),
            api.Merchant.Id, "D", new DateOnly(2025, 12, 1), new DateOnly(2026, 11, 30));
        var findings = await portal.GetService<EvidenceCollector>().RefreshAsync(claraScope, assessment.Id);
        EvidenceFinding Finding(string requirement) => Assert.Single(findings, f => f.Requirement == requirement);

        Assert.Equal(SaqResponse.NotInPlace, Finding("8.4.2").ProposedResponse);
        Assert.Contains("1 of 2 people have no security key yet (Olga Owner)", Finding("8.4.2").Explanation);
        Assert.Equal(SaqResponse.InPlace, Finding("8.3.4").ProposedResponse);
        Assert.Contains("after 10 failed attempts for 30 minutes", Finding("8.3.4").Explanation);
        Assert.Contains("15 minutes", Finding("8.2.8").Explanation);
        Assert.Contains("12 characters", Finding("8.3.6").Explanation);

        Assert.Equal(SaqResponse.InPlace, Finding("9.5.1.1").ProposedResponse);
        Assert.Contains("2 terminals in service", Finding("9.5.1.1").Explanation);
        Assert.Equal(SaqResponse.NotInPlace, Finding("9.5.1.2").ProposedResponse);
        Assert.Contains("EVID-2", Finding("9.5.1.2").Explanation);

        Assert.Equal(SaqResponse.InPlace, Finding("6.3.3").ProposedResponse);
        Assert.Contains("1 of 1 installs of critical releases", Finding("6.3.3").Explanation);
        Assert.All(findings, f => Assert.False(string.IsNullOrWhiteSpace(f.Source)));
    }

    [Theory, BothDatabases]
    public async Task A_merchant_without_terminals_or_patch_history_is_told_what_is_missing(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var clara = await api.Portal.CreatePersonAsync("clara@empty.example", displayName: "Clara Compliance");
        await api.Portal.GrantRoleAsync(api.Merchant.Id, clara.Id, MerchantRole.ComplianceOfficer);
        var claraScope = new AccessScope(clara.Id, false, [new MerchantGrant(api.Merchant.Id, MerchantRole.ComplianceOfficer)]);
        var assessment = await api.Portal.GetService<AssessmentStore>().StartAsync(claraScope, new ComplianceActor(clara.Id, clara.DisplayName),
            api.Merchant.Id, "D", new DateOnly(2025, 12, 1), new DateOnly(2026, 11, 30));

        var findings = await api.Portal.GetService<EvidenceCollector>().RefreshAsync(claraScope, assessment.Id);

        Assert.Equal(SaqResponse.NotInPlace, Assert.Single(findings, f => f.Requirement == "9.5.1.1").ProposedResponse);
        Assert.Contains("no installs of critical releases", Assert.Single(findings, f => f.Requirement == "6.3.3").Explanation);
        Assert.Contains("1 of 1 people have no security key", Assert.Single(findings, f => f.Requirement == "8.4.1").Explanation);
    }
}
