using AdminPortal.Features.Audit;
using AdminPortal.Features.Compliance.Assessments;
using AdminPortal.Features.Compliance.Awareness;
using AdminPortal.Features.Compliance.Catalogue;
using AdminPortal.Features.Compliance.Export;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using Dapper;
using UglyToad.PdfPig;

namespace AdminPortal.IntegrationTests.Compliance;

public sealed class EvidenceAndExportTests
{
    [Theory, BothDatabases]
    public async Task Evidence_maps_audit_coverage_integrity_and_awareness_to_their_requirements(DatabaseProvider provider)
    {
        await using var bed = await ComplianceTestBed.CreateAsync(provider);
        var assessment = await bed.StartAsync("D");
        await bed.Awareness.AcknowledgeAsync(bed.ClaraScope, ComplianceTestBed.Clara, bed.Bakery.Id, AwarenessTopics.TamperInspection);
        await bed.Awareness.AcknowledgeAsync(bed.OlgaScope, ComplianceTestBed.Olga, bed.Bakery.Id, AwarenessTopics.TamperInspection);
        await bed.Awareness.AcknowledgeAsync(bed.OlgaScope, ComplianceTestBed.Olga, bed.Bakery.Id, AwarenessTopics.TamperInspection);
        // Another merchant's acknowledgements are not this merchant's evidence.
        await bed.Awareness.AcknowledgeAsync(bed.TheoScope, ComplianceTestBed.Theo, bed.Coffee.Id, AwarenessTopics.PhishingAndSocialEngineering);

        var findings = await bed.Evidence.RefreshAsync(bed.ClaraScope, assessment.Id);

        Assert.Equal(SaqResponse.InPlace, findings.Single(f => f.Requirement == "10.2.1").ProposedResponse);
        Assert.Equal(SaqResponse.InPlace, findings.Single(f => f.Requirement == "10.3.2").ProposedResponse);
        var tamper = findings.Single(f => f.Requirement == "9.5.1.3");
        Assert.Equal(SaqResponse.InPlace, tamper.ProposedResponse);
        Assert.Contains("2 people", tamper.Explanation);
        Assert.Equal(SaqResponse.NotInPlace, findings.Single(f => f.Requirement == "12.6.3.1").ProposedResponse);
        Assert.All(findings, f => Assert.False(string.IsNullOrWhiteSpace(f.Source)));
        Assert.Equal(findings, await bed.Evidence.SnapshotAsync(bed.OlgaScope, assessment.Id));
        await Assert.ThrowsAsync<ComplianceRuleException>(() => bed.Evidence.RefreshAsync(bed.OlgaScope, assessment.Id));
        await Assert.ThrowsAsync<AssessmentNotFoundException>(() => bed.Evidence.SnapshotAsync(bed.TheoScope, assessment.Id));
    }

    [Theory, BothDatabases]
    public async Task A_broken_audit_chain_is_proposed_as_not_in_place(DatabaseProvider provider)
    {
        await using var bed = await ComplianceTestBed.CreateAsync(provider);
        var assessment = await bed.StartAsync("D");
        await using (var connection = await bed.Connections.OpenAsync())
        {
            await connection.ExecuteAsync("UPDATE audit_log SET summary = 'rewritten' WHERE seq = 1");
        }

        var findings = await bed.Evidence.RefreshAsync(bed.ClaraScope, assessment.Id);
        var integrity = findings.Single(f => f.Requirement == "10.3.2");
        Assert.Equal(SaqResponse.NotInPlace, integrity.ProposedResponse);
        Assert.Contains("changed", integrity.Explanation);
    }

    [Theory, BothDatabases]
    public async Task Evidence_for_requirements_outside_the_SAQ_is_left_out(DatabaseProvider provider)
    {
        await using var bed = await ComplianceTestBed.CreateAsync(provider);
        var assessment = await bed.StartAsync("P2PE");
        var findings = await bed.Evidence.RefreshAsync(bed.ClaraScope, assessment.Id);
        Assert.DoesNotContain(findings, f => f.Requirement.StartsWith("10.", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Requirement == "9.5.1.3");
    }

    [Theory, BothDatabases]
    public async Task The_export_command_writes_the_attested_SAQ_with_every_requirement_and_is_audited(DatabaseProvider provider)
    {
        await using var bed = await ComplianceTestBed.CreateAsync(provider);
        var attested = await bed.AttestedAsync("P2PE");
        var file = Path.Combine(Path.GetTempPath(), $"saq-{Guid.NewGuid():N}.pdf");
        var command = new ExportSaqCommand(bed.Merchants, bed.Assessments, bed.Exporter);
        using var output = new StringWriter();

        try
        {
            Assert.Equal(0, await command.RunAsync(["--merchant", "T-DE-1", "--out", file], output, CancellationToken.None));
            Assert.Contains("Bakery Test GmbH", output.ToString());
            using var pdf = PdfDocument.Open(await File.ReadAllBytesAsync(file));
            var words = pdf.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text).ToList();
            var text = string.Join(" ", words);
            Assert.All(SaqCatalogue.Default.Get("P2PE").RequirementNumbers, n => Assert.Contains(n, words));
            Assert.Contains("Signatory Clara Compliance", text);
            Assert.Contains("Title Head of Compliance", text);
            Assert.Contains("Date 2026-11-20", text);
            Assert.Contains("Part 2g. Summary of Assessment", text);
            Assert.Contains("Part 4. Action Plan", text);
            Assert.Contains("Victor Verifier", text);
            Assert.Contains("Berlin", text);
        }
        finally
        {
            File.Delete(file);
        }

        var exports = await bed.Audit.SearchAsync(new AuditQuery { MerchantIds = [bed.Bakery.Id], Text = "Exported" });
        Assert.Equal(attested.Id.ToString(), Assert.Single(exports.Rows).TargetId);
        await Assert.ThrowsAsync<AdminPortal.Infrastructure.CommandLine.CommandLineException>(() =>
            command.RunAsync(["--merchant", "nobody", "--out", file], output, CancellationToken.None));
    }
}
