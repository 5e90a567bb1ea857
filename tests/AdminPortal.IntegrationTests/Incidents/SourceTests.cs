using System.Net;
using AdminPortal.Features.Accounts.WebAuthn;
using AdminPortal.Features.Devices;
using AdminPortal.Features.Incidents;
using AdminPortal.Features.Incidents.Sources;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using AdminPortal.IntegrationTests.Accounts;
using AdminPortal.IntegrationTests.Devices;
using AdminPortal.Testing;

namespace AdminPortal.IntegrationTests.Incidents;

public sealed class SourceTests
{
    private static readonly AccessScope Everyone = AccessScope.PlatformAdmin(Guid.NewGuid());

    [Theory, BothDatabases]
    public async Task A_tamper_report_opens_one_incident_and_an_already_tampered_terminal_checking_in_again_opens_none(DatabaseProvider provider)
    {
        await using var harness = await DeviceApiHarness.StartAsync(provider);
        var store = harness.Portal.GetService<IncidentStore>();
        var terminal = await harness.EnrollAsync("SN-TAMPER-1");
        await terminal.CheckInAsync();
        await terminal.CheckInAsync(DeviceApiHarness.CheckInBody(tamper: "tampered"));
        await terminal.CheckInAsync(DeviceApiHarness.CheckInBody(tamper: "tampered"));

        await harness.Portal.WaitUntilAsync(async () => (await store.SearchAsync(Everyone, new IncidentQuery())).Total > 0);
        // Every observer (the tamper source among them) hears the still-tampered terminal once more, awaited this time.
        var notice = new DeviceCheckInNotice(harness.Merchant.Id, terminal.DeviceId, harness.Store.Id, DateTimeOffset.UtcNow, "Android 10", "FW 1.2", "3.4.0",
            TamperState.Tampered, false);
        foreach (var observer in harness.Portal.Services.GetServices<IDeviceCheckInObserver>())
        {
            await observer.OnCheckInAsync(notice, CancellationToken.None);
        }

        var incident = Assert.Single((await store.SearchAsync(Everyone, new IncidentQuery())).Rows);
        Assert.Equal(IncidentSource.TamperReport, incident.Source);
        Assert.Equal(IncidentType.Tampering, incident.Type);
        Assert.Equal(harness.Merchant.Id, incident.MerchantId);
        Assert.Equal("Tamper reported by terminal SN-TAMPER-1", incident.Title);
        Assert.Contains("case opened", incident.Description);
        var link = Assert.Single(await store.LinksAsync(Everyone, incident.Id));
        Assert.Equal((IncidentLinkKind.Device, terminal.DeviceId), (link.Kind, link.TargetId));

        // Cleared, then tampered again: a new tamper episode, a new incident.
        await terminal.CheckInAsync();
        await terminal.CheckInAsync(DeviceApiHarness.CheckInBody(tamper: "tampered"));
        await harness.Portal.WaitUntilAsync(async () => (await store.SearchAsync(Everyone, new IncidentQuery())).Total == 2);
    }

    [Theory, BothDatabases]
    public async Task A_counter_regression_at_sign_in_opens_an_incident_in_each_merchant_where_the_person_has_a_role(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        var (first, _) = await portal.CreateMerchantAsync("First Merchant", "FIRST-0001");
        var (second, _) = await portal.CreateMerchantAsync("Second Merchant", "SECOND-0001");
        var (unrelated, _) = await portal.CreateMerchantAsync("Unrelated Merchant", "OTHER-0001");
        using var key = new SoftwareAuthenticator(portal.BaseAddress);
        AdminPortal.Features.Accounts.Person person;
        using (var enrolling = new AccountsDriver(portal))
        {
            person = (await enrolling.EnrollAsync("cloned@example.com", key)).Person;
        }

        await portal.GrantRoleAsync(first.Id, person.Id, MerchantRole.Owner);
        await portal.GrantRoleAsync(second.Id, person.Id, MerchantRole.ComplianceOfficer);
        using (var driver = new AccountsDriver(portal))
        {
            Assert.Equal(HttpStatusCode.OK, await driver.SignInWithPasskeyAsync(key));
        }

        key.SignCount -= 2; // a clone that has not seen the last signature
        using (var clone = new AccountsDriver(portal))
        {
            Assert.Equal(HttpStatusCode.BadRequest, await clone.SignInWithPasskeyAsync(key));
        }

        var store = portal.GetService<IncidentStore>();
        var incidents = (await store.SearchAsync(Everyone, new IncidentQuery())).Rows;
        Assert.Equal(new[] { first.Id, second.Id }.Order(), incidents.Select(i => i.MerchantId).Order());
        Assert.DoesNotContain(incidents, i => i.MerchantId == unrelated.Id);
        Assert.All(incidents, i =>
        {
            Assert.Equal(IncidentSource.CounterRegression, i.Source);
            Assert.Contains("cloned@example.com", i.Description);
        });
        var comment = (await store.TimelineAsync(Everyone, incidents[0].Id)).Single(e => e.Kind == TimelineKind.Comment);
        Assert.Contains("opened an incident in every merchant", comment.Body);

        // The same key regressing again joins the open incidents instead of opening more.
        var observer = portal.Services.GetServices<ICounterRegressionObserver>().Single();
        await observer.OnCounterRegressionAsync(new CounterRegression(person.Id, Guid.Parse(incidents[0].SourceKey!["webauthn-clone:".Length..]), "Key", 9, 3,
            DateTimeOffset.UtcNow, null), CancellationToken.None);
        Assert.Equal(2, (await store.SearchAsync(Everyone, new IncidentQuery())).Total);
        Assert.Equal(2, (await store.TimelineAsync(Everyone, incidents[0].Id)).Count(e => e.Kind == TimelineKind.Comment));
    }

    [Theory, BothDatabases]
    public async Task A_person_without_a_merchant_role_opens_no_incident(DatabaseProvider provider)
    {
        await using var bed = await IncidentTestBed.StartAsync(provider);
        var staff = await bed.Portal.CreatePersonAsync("staff@provider.example", platformAdmin: true);
        var observer = bed.Portal.Services.GetServices<ICounterRegressionObserver>().Single();
        await observer.OnCounterRegressionAsync(new CounterRegression(staff.Id, Guid.NewGuid(), "Key", 9, 3, DateTimeOffset.UtcNow, null), CancellationToken.None);
        Assert.Equal(0, (await bed.Store.SearchAsync(Everyone, new IncidentQuery())).Total);
    }
}
