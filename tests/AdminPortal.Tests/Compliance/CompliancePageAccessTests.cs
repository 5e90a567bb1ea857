using System.Data.Common;
using System.Security.Claims;
using AdminPortal.Features.Audit;
using AdminPortal.Features.Compliance.Assessments;
using AdminPortal.Features.Compliance.Catalogue;
using AdminPortal.Features.Compliance.Pages;
using AdminPortal.Features.Merchants;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Tests.TestSupport;
using Bunit;

namespace AdminPortal.Tests.Compliance;

/// <summary>Without an access scope the Compliance pages show no merchant data and never touch the database.</summary>
public sealed class CompliancePageAccessTests : PortalComponentTest
{
    public CompliancePageAccessTests()
    {
        var database = new UnreachableDatabase();
        Context.Services.AddSingleton<IDbConnectionFactory>(database);
        Context.Services.AddSingleton(new MerchantDirectory(database, TimeProvider.System));
        Context.Services.AddSingleton(new AssessmentStore(database, new NoAudit(), TimeProvider.System, SaqCatalogue.Default));
        Context.Services.AddSingleton(SaqCatalogue.Default);
        Authorization.SetAuthorized("someone@example.com");
    }

    [Fact]
    public void Without_an_access_scope_provider_the_overview_warns_and_shows_no_data()
    {
        var page = Render<CompliancePage>();

        page.WaitForAssertion(() => Assert.Contains("Access control is not configured", page.Markup));
        Assert.Empty(page.FindAll("[data-testid=compliance-merchant]"));
    }

    [Fact]
    public void A_person_without_any_merchant_role_gets_the_empty_state()
    {
        Context.Services.AddSingleton<IAccessScopeProvider>(new FixedScope(new AccessScope(Guid.NewGuid(), false, [])));

        var page = Render<CompliancePage>();

        page.WaitForAssertion(() => Assert.Contains("You have no role in any merchant yet", page.Find("[data-testid=compliance-empty]").TextContent));
    }

    private sealed class FixedScope(AccessScope scope) : IAccessScopeProvider
    {
        public Task<AccessScope> GetAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default) => Task.FromResult(scope);
    }

    /// <summary>Fails the test if the page reads anything: with no scope there is nothing it may read.</summary>
    private sealed class UnreachableDatabase : IDbConnectionFactory
    {
        public SqlDialect Dialect => SqlDialect.Sqlite;

        public Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("The page opened a database connection although the person may see no merchant.");
    }

    private sealed class NoAudit : IAuditLog
    {
        public Task RecordAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task RecordAsync(AuditEvent auditEvent, DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<AuditPage> SearchAsync(AuditQuery query, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
