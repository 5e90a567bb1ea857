using AdminPortal.Features.Audit;
using AdminPortal.Features.Merchants;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Features.Patching;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using Microsoft.Extensions.Time.Testing;

namespace AdminPortal.IntegrationTests.Patching;

/// <summary>A migrated database with two merchants and Patching's services over a fake clock, without a web host.</summary>
internal sealed class PatchingTestBed : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private PatchingTestBed(TestDatabase database, IDbConnectionFactory connections, Merchant bakery, Merchant coffee)
    {
        Database = database;
        Connections = connections;
        Bakery = bakery;
        Coffee = coffee;
        Audit = new AuditLog(connections, Clock, new AuditChainKeys(AuditChainKeys.NewKey()));
        Queries = new PatchPolicyQueries(connections);
        Lifecycle = new PatchPolicyLifecycle(connections, Queries, Audit, StepUp, Clock);
        Ledger = new PatchInstallLedger(connections, Clock);
        Releases = new PatchReleaseCatalogue(connections, Audit, Clock);
    }

    public TestDatabase Database { get; }
    public IDbConnectionFactory Connections { get; }
    public FakeTimeProvider Clock { get; } = new(Start);
    public TestStepUp StepUp { get; } = new();
    public Merchant Bakery { get; }
    public Merchant Coffee { get; }
    public IAuditLog Audit { get; }
    public PatchPolicyQueries Queries { get; }
    public PatchPolicyLifecycle Lifecycle { get; }
    public PatchInstallLedger Ledger { get; }
    public PatchReleaseCatalogue Releases { get; }

    public static PatchingActor Alice { get; } = new(Guid.Parse("a11ce000-0000-0000-0000-000000000001"), "Alice Author");
    public static PatchingActor Bob { get; } = new(Guid.Parse("b0b00000-0000-0000-0000-000000000002"), "Bob Approver");
    public static PatchingActor Carol { get; } = new(Guid.Parse("ca201000-0000-0000-0000-000000000003"), "Carol Colleague");

    public AccessScope OwnerOf(Merchant merchant, PatchingActor person) => new(person.Id, false, [new MerchantGrant(merchant.Id, MerchantRole.Owner)]);

    public AccessScope OfficerOf(Merchant merchant, PatchingActor person) => new(person.Id, false, [new MerchantGrant(merchant.Id, MerchantRole.ComplianceOfficer)]);

    public static AccessScope Admin(PatchingActor person) => AccessScope.PlatformAdmin(person.Id!.Value);

    public static async Task<PatchingTestBed> CreateAsync(DatabaseProvider provider)
    {
        DapperTypeHandlers.AddJson<PolicyDefinition>();
        DapperTypeHandlers.AddJson<OpeningHours>(); // as MerchantsModule does: stores carry opening hours
        var (database, connections) = await TestDatabase.CreateMigratedAsync(provider);
        var directory = new MerchantDirectory(connections, TimeProvider.System);
        var bakery = await directory.EnsureMerchantAsync("T-DE-1", "Test Bakery", "DE", 4, "P2PE");
        var coffee = await directory.EnsureMerchantAsync("T-GB-1", "Test Coffee", "GB", 4, "P2PE");
        return new PatchingTestBed(database, connections, bakery, coffee);
    }

    public PolicyDefinition Definition(string minimumOs = "13.2", OverdueAction action = OverdueAction.BlockPayments, decimal[]? rings = null) => new(
        PolicyTarget.Everything,
        [new ComponentRequirement(PatchComponent.Os, minimumOs)],
        MaintenanceWindow.Nightly,
        new RolloutPlan(rings ?? [1m, 5m, 20m, 100m], TimeSpan.FromHours(24), 5m),
        Start.AddDays(30),
        GraceDays: 7,
        action);

    /// <summary>A policy written and submitted by Alice in <paramref name="merchant"/>, waiting for approval.</summary>
    public async Task<Guid> PendingPolicyAsync(Merchant merchant, PolicyDefinition? definition = null, string name = "March OS patch")
    {
        var scope = OwnerOf(merchant, Alice);
        var id = await Lifecycle.CreateDraftAsync(scope, Alice, merchant.Id, name, definition ?? Definition());
        await Lifecycle.SubmitForApprovalAsync(scope, Alice, id);
        return id;
    }

    public async Task<Guid> ActivePolicyAsync(Merchant merchant, PolicyDefinition? definition = null)
    {
        var id = await PendingPolicyAsync(merchant, definition);
        await Lifecycle.ApproveAndActivateAsync(OwnerOf(merchant, Bob), Bob, id);
        return id;
    }

    public async Task<PatchPolicy> PolicyAsync(Guid id) => (await Queries.GetAsync(AccessScope.PlatformAdmin(Guid.NewGuid()), id))!;

    public async Task<IReadOnlyList<AuditRecord>> AuditOfAsync(Merchant merchant) =>
        (await Audit.SearchAsync(new AuditQuery { MerchantIds = [merchant.Id], Category = "patching", Take = 200 })).Rows;

    public ValueTask DisposeAsync() => Database.DisposeAsync();

    internal sealed class TestStepUp : IPolicyActivationStepUp
    {
        public bool Fresh { get; set; } = true;

        public List<PatchingActor> Asked { get; } = [];

        public Task<bool> IsFreshAsync(PatchingActor actor, CancellationToken cancellationToken = default)
        {
            Asked.Add(actor);
            return Task.FromResult(Fresh);
        }
    }
}
