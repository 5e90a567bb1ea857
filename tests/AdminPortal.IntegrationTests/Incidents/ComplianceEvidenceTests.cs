using AdminPortal.Features.Compliance.Catalogue;
using AdminPortal.Features.Compliance.Evidence;
using AdminPortal.Features.Incidents;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;

namespace AdminPortal.IntegrationTests.Incidents;

public sealed class ComplianceEvidenceTests
{
    [Theory, BothDatabases]
    public async Task Incident_handling_is_evidence_for_PCI_DSS_12_10(DatabaseProvider provider)
    {
        await using var bed = await IncidentTestBed.StartAsync(provider);
        var source = bed.Portal.Services.GetServices<IComplianceEvidenceSource>().OfType<IncidentEvidenceSource>().Single();

        var none = (await source.CollectAsync(bed.Home.Id, CancellationToken.None)).ToDictionary(f => f.Requirement);
        Assert.Equal(SaqResponse.NotTested, none["12.10.1"].ProposedResponse);
        Assert.Equal(SaqResponse.NotTested, none["12.10.6"].ProposedResponse);

        var handled = await bed.ReportAsync(IncidentSeverity.Sev3);
        bed.Clock.Advance(TimeSpan.FromMinutes(30));
        handled = await bed.DoAsync(bed.Agent, handled, (s, scope, a, v) => s.TransitionAsync(scope, a, handled.Id, v, IncidentStatus.Triage));
        bed.Clock.Advance(TimeSpan.FromHours(2));
        await bed.DoAsync(bed.Agent, handled, (s, scope, a, v) => s.TransitionAsync(scope, a, handled.Id, v, IncidentStatus.Closed, "Removed", "Phishing mail"));
        await bed.ReportAsync(IncidentSeverity.Sev1); // never acknowledged: its 15 minutes pass below
        bed.Clock.Advance(TimeSpan.FromHours(1));

        var findings = (await source.CollectAsync(bed.Home.Id, CancellationToken.None)).ToDictionary(f => f.Requirement);
        Assert.Equal(SaqResponse.InPlace, findings["12.10.1"].ProposedResponse);
        Assert.Contains("2 incidents were handled", findings["12.10.1"].Explanation);
        Assert.Contains("mean time to acknowledge 30 min 00 s", findings["12.10.1"].Explanation);
        Assert.Equal(SaqResponse.NotInPlace, findings["12.10.3"].ProposedResponse);
        Assert.StartsWith("1 of 2 incidents were not acknowledged", findings["12.10.3"].Explanation);
        Assert.Equal(SaqResponse.InPlace, findings["12.10.6"].ProposedResponse);
        Assert.Equal(SaqResponse.InPlace, findings["12.10.5"].ProposedResponse);

        // Zebra's evidence knows nothing of Home's incidents.
        var zebra = (await source.CollectAsync(bed.Zebra.Id, CancellationToken.None)).ToDictionary(f => f.Requirement);
        Assert.Equal(SaqResponse.NotTested, zebra["12.10.1"].ProposedResponse);
    }
}
