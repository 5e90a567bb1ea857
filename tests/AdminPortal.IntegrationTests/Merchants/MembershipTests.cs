using AdminPortal.Features.Accounts;
using AdminPortal.Features.Accounts.StepUp;
using AdminPortal.Features.Audit;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Features.Merchants.Editing;
using AdminPortal.Features.Merchants.People;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Infrastructure.Validation;
using AdminPortal.Testing;

namespace AdminPortal.IntegrationTests.Merchants;

public sealed class MembershipTests
{
    [Theory, BothDatabases]
    public async Task An_owner_invites_a_compliance_officer_who_gets_a_one_time_link_and_scoped_access(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        var (merchant, _) = await portal.CreateMerchantAsync("Thames Coffee", "MID-0001");
        var owner = await portal.CreatePersonAsync("olive@thames.example");
        await portal.GrantRoleAsync(merchant.Id, owner.Id, MerchantRole.Owner);
        var ownerUser = await portal.SignedInPrincipalAsync(owner, freshStepUp: true);
        var memberships = portal.GetService<MerchantMemberships>();

        var invitation = await memberships.InviteAsync(ownerUser, merchant.Id, "Colin@Thames.example", "Colin Officer", MerchantRole.ComplianceOfficer);

        Assert.StartsWith("/enroll#", invitation.EnrollmentLink);
        Assert.Equal("colin@thames.example", invitation.Person.Email);
        var colin = await portal.SignedInPrincipalAsync(invitation.Person);
        var scope = await portal.GetService<IAccessScopeProvider>().GetAsync(colin);
        Assert.Equal([new MerchantGrant(merchant.Id, MerchantRole.ComplianceOfficer)], scope.Grants);
        var members = await memberships.ListAsync(scope, merchant.Id);
        Assert.Equal(["olive@thames.example", "colin@thames.example"], members.Select(m => m.Email));
        var audit = await portal.GetService<IAuditLog>().SearchAsync(new AuditQuery { MerchantIds = [merchant.Id], Category = "people" });
        Assert.Equal(["person.invited", "role.granted"], audit.Rows.Select(r => r.Action));
    }

    [Theory, BothDatabases]
    public async Task Role_changes_need_step_up_and_the_right_role(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        var (merchant, _) = await portal.CreateMerchantAsync("Thames Coffee", "MID-0001");
        var (other, _) = await portal.CreateMerchantAsync("Other Shop", "MID-0002");
        var owner = await portal.CreatePersonAsync("olive@thames.example");
        var officer = await portal.CreatePersonAsync("colin@thames.example");
        await portal.GrantRoleAsync(merchant.Id, owner.Id, MerchantRole.Owner);
        await portal.GrantRoleAsync(merchant.Id, officer.Id, MerchantRole.ComplianceOfficer);
        var memberships = portal.GetService<MerchantMemberships>();
        var staleOwner = await portal.SignedInPrincipalAsync(owner, freshStepUp: false);
        var freshOwner = await portal.SignedInPrincipalAsync(owner, freshStepUp: true);
        var freshOfficer = await portal.SignedInPrincipalAsync(officer, freshStepUp: true);

        await Assert.ThrowsAsync<StepUpRequiredException>(() => memberships.RevokeAsync(staleOwner, merchant.Id, officer.Id, MerchantRole.ComplianceOfficer));
        await Assert.ThrowsAsync<AccessDeniedException>(() => memberships.GrantAsync(freshOwner, merchant.Id, officer.Id, MerchantRole.SupportAgent));
        await Assert.ThrowsAsync<AccessDeniedException>(() => memberships.GrantAsync(freshOwner, other.Id, officer.Id, MerchantRole.Owner));
        await Assert.ThrowsAsync<AccessDeniedException>(() => memberships.GrantAsync(freshOfficer, merchant.Id, officer.Id, MerchantRole.Owner));
        await Assert.ThrowsAsync<AccessDeniedException>(() => memberships.RevokeAsync(freshOwner, merchant.Id, owner.Id, MerchantRole.Owner));
        var bad = await Assert.ThrowsAsync<InputValidationException>(() => memberships.InviteAsync(freshOwner, merchant.Id, "not-an-email", "", MerchantRole.Owner));
        Assert.Equal(["DisplayName", "Email"], bad.Errors.Keys.Order());

        await memberships.RevokeAsync(freshOwner, merchant.Id, officer.Id, MerchantRole.ComplianceOfficer);

        // The revoked role stops working at the next request, without signing out.
        var scope = await portal.GetService<IAccessScopeProvider>().GetAsync(freshOfficer);
        Assert.False(scope.CanSee(merchant.Id));
    }

    [Theory, BothDatabases]
    public async Task Platform_admins_invite_staff_assign_support_agents_and_disabling_ends_access(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        var (merchant, _) = await portal.CreateMerchantAsync("Thames Coffee", "MID-0001");
        var admin = await portal.CreatePersonAsync("pat@provider.example", platformAdmin: true);
        var adminUser = await portal.SignedInPrincipalAsync(admin, freshStepUp: true);
        var staff = portal.GetService<StaffAdministration>();
        var memberships = portal.GetService<MerchantMemberships>();

        var invitation = await staff.InviteStaffAsync(adminUser, "sam@provider.example", "Sam Support", platformAdmin: false);
        await memberships.GrantAsync(adminUser, merchant.Id, invitation.Person.Id, MerchantRole.SupportAgent);
        var sam = await portal.SignedInPrincipalAsync(invitation.Person);
        var scopes = portal.GetService<IAccessScopeProvider>();
        Assert.True((await scopes.GetAsync(sam)).Has(merchant.Id, MerchantRole.SupportAgent));
        var duplicate = await Assert.ThrowsAsync<InputValidationException>(() => staff.InviteStaffAsync(adminUser, "sam@provider.example", "Sam Again", false));
        Assert.Contains("already exists", duplicate.Errors["Email"][0]);
        await Assert.ThrowsAsync<AccessDeniedException>(() => staff.DisableAsync(adminUser, admin.Id));
        await Assert.ThrowsAsync<AccessDeniedException>(() => staff.ListAsync(sam));

        await staff.DisableAsync(adminUser, invitation.Person.Id);

        Assert.Same(AccessScope.Nobody, await scopes.GetAsync(sam));
        var people = await staff.ListAsync(adminUser);
        Assert.Equal(PersonStatus.Disabled, people.Single(p => p.Person.Id == invitation.Person.Id).Person.Status);
        var audit = await portal.GetService<IAuditLog>().SearchAsync(new AuditQuery { Category = "people" });
        Assert.Equal(["person.disabled", "role.granted", "person.invited"], audit.Rows.Select(r => r.Action));
    }
}
