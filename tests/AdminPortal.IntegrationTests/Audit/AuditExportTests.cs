using System.Net;
using AdminPortal.Features.Audit;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;

namespace AdminPortal.IntegrationTests.Audit;

public sealed class AuditExportTests
{
    [Theory, BothDatabases]
    public async Task The_csv_export_holds_what_the_reader_may_see_filtered_with_formulas_neutralised_and_is_itself_audited(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        var (home, _) = await portal.CreateMerchantAsync("Home Merchant", "HOME-0002");
        var (other, _) = await portal.CreateMerchantAsync("Other Merchant", "OTHER-0002");
        var audit = portal.GetService<IAuditLog>();
        await audit.RecordAsync(new AuditEvent { Category = "devices", Action = "device.locked", Summary = "=HYPERLINK(\"http://evil.example\",\"Locked SN-1\")", MerchantId = home.Id });
        await audit.RecordAsync(new AuditEvent { Category = "patching", Action = "policy.activated", Summary = "Activated the OS policy of Home", MerchantId = home.Id });
        await audit.RecordAsync(new AuditEvent { Category = "devices", Action = "device.wiped", Summary = "Wiped OTHER-SECRET-7", MerchantId = other.Id });
        var officer = await portal.CreatePersonAsync("officer@home.example");
        await portal.GrantRoleAsync(home.Id, officer.Id, MerchantRole.ComplianceOfficer);
        var owner = await portal.CreatePersonAsync("owner@home.example");
        await portal.GrantRoleAsync(home.Id, owner.Id, MerchantRole.Owner);
        var admin = await portal.CreatePersonAsync("admin@provider.example", platformAdmin: true);

        using var asOfficer = await portal.SignedInClientAsync(officer);
        var response = await asOfficer.GetAsync("/audit/export.csv?category=devices");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.StartsWith("seq,occurredAt,category,action,outcome", lines[0]);
        var row = Assert.Single(lines.Skip(1));
        Assert.Contains("device.locked", row);
        Assert.Contains("\"'=HYPERLINK(", row); // written as text, not as a formula
        Assert.DoesNotContain("OTHER-SECRET-7", string.Join('\n', lines));

        using var asAdmin = await portal.SignedInClientAsync(admin);
        var all = await asAdmin.GetStringAsync("/audit/export.csv?text=OTHER-SECRET");
        Assert.Contains("OTHER-SECRET-7", all);
        Assert.Contains((await audit.SearchAsync(new AuditQuery { Text = "Exported the audit log", Take = 10 })).Rows, r => r.Action == "audit.exported");

        using var asOwner = await portal.SignedInClientAsync(owner);
        Assert.Equal(HttpStatusCode.Forbidden, (await asOwner.GetAsync("/audit/export.csv")).StatusCode);
        using var anonymous = portal.CreatePortalClient();
        Assert.Equal(HttpStatusCode.Redirect, (await anonymous.GetAsync("/audit/export.csv")).StatusCode);
    }
}
