using AdminPortal.Features.Compliance.Assessments;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;

namespace AdminPortal.IntegrationTests.Compliance;

public sealed class AttestationStepUpTests
{
    [Theory, BothDatabases]
    public async Task Attesting_needs_a_key_assertion_within_the_step_up_window(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        var clara = await portal.CreatePersonAsync("clara@attest.example");
        var gate = portal.GetService<ComplianceStepUp>();

        var refused = await Assert.ThrowsAsync<ComplianceRuleException>(
            async () => await gate.EnsureFreshForAttestationAsync(await portal.SignedInPrincipalAsync(clara, freshStepUp: false)));
        Assert.Contains("step-up", refused.Message);
        await gate.EnsureFreshForAttestationAsync(await portal.SignedInPrincipalAsync(clara, freshStepUp: true));
    }
}
