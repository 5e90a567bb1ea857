using System.Security.Claims;
using AdminPortal.Features.Accounts;
using AdminPortal.Features.Accounts.Security;
using AdminPortal.Features.Accounts.Sessions;
using AdminPortal.Features.Merchants;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Features.Merchants.Editing;
using Dapper;

namespace AdminPortal.Testing;

/// <summary>Intent methods for merchants, roles and signed-in principals, for tests of any slice.</summary>
public static class MerchantsTestExtensions
{
    /// <summary>The principal the portal builds for a fully signed-in person on a real server-side session.</summary>
    public static async Task<ClaimsPrincipal> SignedInPrincipalAsync(this PortalHost host, Person person, bool freshStepUp = false)
    {
        var (session, _) = await host.GetService<SessionStore>()
            .CreateAsync(person.Id, SessionLevels.Full, assertedNow: freshStepUp, new ClientInfo("127.0.0.1", "tests"));
        return SessionAuthenticationHandler.CreatePrincipal(person, session);
    }

    /// <summary>Creates a merchant (as a platform admin would) with one store.</summary>
    public static async Task<(Merchant Merchant, Guid StoreId)> CreateMerchantAsync(this PortalHost host, string name, string merchantNumber,
        string storeName = "Main Street")
    {
        var admin = AccessScope.PlatformAdmin(Guid.NewGuid(), "Test Admin");
        var editor = host.GetService<MerchantEditor>();
        var merchant = await editor.CreateMerchantAsync(admin, new MerchantInput
        {
            Name = name, MerchantNumber = merchantNumber, Country = "GB", PciLevel = 4, SaqType = "P2PE",
        });
        var storeId = await editor.SaveStoreAsync(admin, merchant.Id, null, new StoreInput
        {
            Name = storeName, AddressLine = "1 High Street", City = "London", PostalCode = "EC1A 1AA", Country = "GB",
            TimeZone = "Europe/London", Latitude = 51.5, Longitude = -0.1,
        });
        return (merchant, storeId);
    }

    /// <summary>Gives the person a role directly (what an accepted invitation leaves behind).</summary>
    public static async Task GrantRoleAsync(this PortalHost host, Guid merchantId, Guid personId, MerchantRole role)
    {
        await using var connection = await host.GetService<AdminPortal.Infrastructure.Database.IDbConnectionFactory>().OpenAsync();
        await connection.ExecuteAsync(
            "INSERT INTO merchant_memberships (merchant_id, person_id, role, granted_at) VALUES (@merchantId, @personId, @role, @now)",
            new { merchantId, personId, role = (int)role, now = DateTimeOffset.UtcNow });
    }
}
