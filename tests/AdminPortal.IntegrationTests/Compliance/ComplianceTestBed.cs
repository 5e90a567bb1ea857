using AdminPortal.Features.Audit;
using AdminPortal.Features.Compliance.Assessments;
using AdminPortal.Features.Compliance.Awareness;
using AdminPortal.Features.Compliance.Catalogue;
using AdminPortal.Features.Compliance.Evidence;
using AdminPortal.Features.Compliance.Export;
using AdminPortal.Features.Merchants;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace AdminPortal.IntegrationTests.Compliance;

/// <summary>A migrated database with two merchants and the Compliance services wired by hand, as the module does.</summary>
internal sealed class ComplianceTestBed : IAsyncDisposable
{
    private ComplianceTestBed(TestDatabase database, IDbConnectionFactory connections)
    {
        Database = database;
        Connections = connections;
        Audit = new AuditLog(connections, TimeProvider.System, new AuditChainKeys(AuditChainKeys.NewKey()));
        Merchants = new MerchantDirectory(connections, TimeProvider.System);
        Assessments = new AssessmentStore(connections, Audit, TimeProvider.System, SaqCatalogue.Default);
        Awareness = new AwarenessStore(connections, Audit, TimeProvider.System);
        Evidence = new EvidenceCollector(
            [new AuditLogEvidenceSource(Audit, TimeProvider.System), new AwarenessEvidenceSource(Awareness, TimeProvider.System)],
            connections, Assessments, SaqCatalogue.Default, NullLogger<EvidenceCollector>.Instance);
        Exporter = new SaqExporter(Assessments, Evidence, Merchants, SaqCatalogue.Default, TimeProvider.System);
    }

    public TestDatabase Database { get; }
    public IDbConnectionFactory Connections { get; }
    public IAuditLog Audit { get; }
    public MerchantDirectory Merchants { get; }
    public AssessmentStore Assessments { get; }
    public AwarenessStore Awareness { get; }
    public EvidenceCollector Evidence { get; }
    public SaqExporter Exporter { get; }
    public Merchant Bakery { get; private set; } = default!;
    public Merchant Coffee { get; private set; } = default!;

    // People: two officers of the bakery (one answers, one reviews), its owner, and the coffee shop's officer.
    public static readonly ComplianceActor Clara = new(Guid.NewGuid(), "Clara Compliance");
    public static readonly ComplianceActor Victor = new(Guid.NewGuid(), "Victor Verifier");
    public static readonly ComplianceActor Olga = new(Guid.NewGuid(), "Olga Owner");
    public static readonly ComplianceActor Theo = new(Guid.NewGuid(), "Theo Tea");

    public AccessScope ClaraScope => Officer(Clara, Bakery);
    public AccessScope VictorScope => Officer(Victor, Bakery);
    public AccessScope OlgaScope => new(Olga.PersonId, false, [new MerchantGrant(Bakery.Id, MerchantRole.Owner)]);
    public AccessScope TheoScope => Officer(Theo, Coffee);

    public static async Task<ComplianceTestBed> CreateAsync(DatabaseProvider provider)
    {
        // The Merchants module registers this handler at start-up; without a host the bed does it.
        DapperTypeHandlers.AddJson<OpeningHours>();
        var (database, connections) = await TestDatabase.CreateMigratedAsync(provider);
        var bed = new ComplianceTestBed(database, connections);
        bed.Bakery = await bed.Merchants.EnsureMerchantAsync("T-DE-1", "Bakery Test GmbH", "DE", 4, "P2PE");
        await bed.Merchants.EnsureStoreAsync(bed.Bakery.Id, "Berlin", "Street 1", "Berlin", "10117", "DE", "Europe/Berlin", null, null, null);
        bed.Coffee = await bed.Merchants.EnsureMerchantAsync("T-GB-1", "Coffee Test Ltd", "GB", 3, "SPoC");
        return bed;
    }

    public static AccessScope Officer(ComplianceActor actor, Merchant merchant) =>
        new(actor.PersonId, false, [new MerchantGrant(merchant.Id, MerchantRole.ComplianceOfficer)]);

    public Task<SaqAssessment> StartAsync(string saq = "P2PE", int year = 2026) =>
        Assessments.StartAsync(ClaraScope, Clara, Bakery.Id, saq, new DateOnly(year - 1, 12, 1), new DateOnly(year, 11, 30));

    /// <summary>Clara answers every requirement "In Place" (one Not Applicable with its justification).</summary>
    public async Task AnswerAllAsync(SaqAssessment assessment)
    {
        foreach (var number in SaqCatalogue.Default.Get(assessment.SaqType).RequirementNumbers)
        {
            var input = number == "9.4.1.1"
                ? new AnswerInput(number, SaqResponse.NotApplicable, "No offline backups exist.", "", "The merchant keeps no electronic media.")
                : new AnswerInput(number, SaqResponse.InPlace, $"Checked {number} in every store.", "Store visit notes, November.");
            await Assessments.SaveAnswerAsync(ClaraScope, Clara, assessment.Id, input);
        }
    }

    /// <summary>Answered by Clara, reviewed by Victor, attested by Clara.</summary>
    public async Task<SaqAssessment> AttestedAsync(string saq = "P2PE", int year = 2026)
    {
        var assessment = await StartAsync(saq, year);
        await AnswerAllAsync(assessment);
        await Assessments.SubmitForReviewAsync(ClaraScope, Clara, assessment.Id);
        await Assessments.ReviewAsync(VictorScope, Victor, assessment.Id, approve: true, note: null);
        await Assessments.AttestAsync(ClaraScope, Clara, assessment.Id, new Attestation("Clara Compliance", "Head of Compliance", new DateOnly(2026, 11, 20)));
        return (await Assessments.FindAsync(ClaraScope, assessment.Id))!;
    }

    public ValueTask DisposeAsync() => Database.DisposeAsync();
}
