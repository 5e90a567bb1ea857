using AdminPortal.Features.Compliance.Assessments;
using AdminPortal.Features.Merchants;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.CommandLine;

namespace AdminPortal.Features.Compliance.Export;

/// <summary>
/// <c>export-saq --merchant &lt;id|number|name&gt; [--assessment &lt;id&gt;] --out FILE.pdf</c>. Runs with the operator's
/// authority (whoever can run the binary against the database), like every other command; the export is audited.
/// </summary>
internal sealed class ExportSaqCommand(MerchantDirectory merchants, AssessmentStore assessments, SaqExporter exporter) : IPortalCommand
{
    private static readonly AccessScope Operator = AccessScope.PlatformAdmin(Guid.Empty);
    private static readonly ComplianceActor Actor = new(null, "command line (export-saq)");

    public string Name => "export-saq";

    public string Summary => "Write a merchant's SAQ and Attestation of Compliance as PDF: --merchant <id|number|name> [--assessment <id>] --out FILE.pdf";

    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken cancellationToken)
    {
        var options = new CommandOptions(args);
        var wanted = options.Require("merchant");
        var outFile = options.Require("out");
        // The command line runs as the operator of the installation: every merchant.
        var all = await merchants.ListMerchantsAsync(AccessScope.PlatformAdmin(Guid.Empty, "command line"), ct: cancellationToken);
        var matches = all.Where(m => m.Id.ToString().Equals(wanted, StringComparison.OrdinalIgnoreCase)
                                     || m.MerchantNumber.Equals(wanted, StringComparison.OrdinalIgnoreCase)
                                     || m.Name.Equals(wanted, StringComparison.OrdinalIgnoreCase)).ToList();
        if (matches.Count == 0)
        {
            matches = all.Where(m => m.Name.Contains(wanted, StringComparison.OrdinalIgnoreCase)).ToList();
        }

        var merchant = matches.Count switch
        {
            1 => matches[0],
            0 => throw new CommandLineException($"No merchant matches '{wanted}'."),
            _ => throw new CommandLineException($"'{wanted}' matches {matches.Count} merchants ({string.Join(", ", matches.Select(m => m.Name))}): give the id or merchant number."),
        };

        var list = await assessments.ListAsync(Operator, merchant.Id, cancellationToken);
        SaqAssessment assessment;
        if (options.Get("assessment") is { } assessmentText)
        {
            assessment = Guid.TryParse(assessmentText, out var id) && list.FirstOrDefault(a => a.Id == id) is { } found
                ? found
                : throw new CommandLineException($"{merchant.Name} has no assessment '{assessmentText}'.");
        }
        else
        {
            // The latest attested assessment is what an acquirer asks for; otherwise the latest draft.
            assessment = list.FirstOrDefault(a => a.IsFrozen) ?? list.FirstOrDefault()
                ?? throw new CommandLineException($"{merchant.Name} has no SAQ assessment yet.");
        }

        var pdf = await exporter.ExportAsync(Operator, Actor, assessment.Id, "command line", cancellationToken);
        var path = Path.GetFullPath(outFile);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, pdf.Content, cancellationToken);
        await output.WriteLineAsync($"Wrote {assessment.SaqType} SAQ of {merchant.Name} ({assessment.PeriodText}, {assessment.Status}) to {path} ({pdf.Content.Length / 1024} KB).");
        return 0;
    }
}
