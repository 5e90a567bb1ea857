using System.Net;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Features.Merchants.People;
using AdminPortal.Infrastructure.Database;
using AdminPortal.IntegrationTests.Accounts;
using AdminPortal.Testing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace AdminPortal.IntegrationTests.Merchants;

public sealed class InvitationExpiryTests
{
    [Theory, BothDatabases]
    public async Task An_invitation_link_opens_until_it_expires_after_72_hours_and_then_answers_not_found(DatabaseProvider provider)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var portal = await PortalHost.StartAsync(provider, configureServices: services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(clock);
        });
        var (merchant, _) = await portal.CreateMerchantAsync("Thames Coffee", "MID-0072");
        var owner = await portal.CreatePersonAsync("olive@thames.example");
        await portal.GrantRoleAsync(merchant.Id, owner.Id, MerchantRole.Owner);
        var invitation = await portal.GetService<MerchantMemberships>().InviteAsync(
            await portal.SignedInPrincipalAsync(owner, freshStepUp: true), merchant.Id, "late@thames.example", "Late Larry", MerchantRole.ComplianceOfficer);
        using var invited = new AccountsDriver(portal);

        clock.Advance(TimeSpan.FromHours(71));
        Assert.Equal(HttpStatusCode.OK, (await invited.OpenEnrollmentLinkAsync(invitation.EnrollmentLink!)).StatusCode);

        clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(HttpStatusCode.Gone, (await invited.OpenEnrollmentLinkAsync(invitation.EnrollmentLink!)).StatusCode);
    }
}
