using AdminPortal.Features.Audit;
using AdminPortal.Features.Merchants;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Features.Merchants.Editing;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Infrastructure.Validation;
using AdminPortal.Testing;

namespace AdminPortal.IntegrationTests.Merchants;

public sealed class MerchantEditingTests
{
    private static readonly AccessScope Admin = AccessScope.PlatformAdmin(Guid.NewGuid(), "Pat Admin");

    private static MerchantInput Coffee(string number = "MID-0001") => new()
    {
        Name = "  Thames Coffee Ltd ", MerchantNumber = number.ToLowerInvariant(), Country = "gb", PciLevel = 3, SaqType = "SPoC",
    };

    private static StoreInput Store(string name = "London Bridge") => new()
    {
        Name = name, AddressLine = "1 Tooley Street", City = "London", PostalCode = "SE1 2PF", Country = "GB",
        TimeZone = "Europe/London", Latitude = 51.5055, Longitude = -0.0865,
        Hours = Enum.GetValues<DayOfWeek>().ToDictionary(d => d, d => d == DayOfWeek.Sunday
            ? ((TimeSpan?)null, (TimeSpan?)null)
            : ((TimeSpan?)TimeSpan.FromHours(8), (TimeSpan?)TimeSpan.FromHours(18))),
    };

    [Theory, BothDatabases]
    public async Task A_platform_admin_creates_and_edits_a_merchant_with_an_audit_entry_each(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        var editor = portal.GetService<MerchantEditor>();

        var created = await editor.CreateMerchantAsync(Admin, Coffee());
        var input = MerchantInput.From(created);
        input.PciLevel = 2;
        var updated = await editor.UpdateMerchantAsync(Admin, created.Id, input);

        Assert.Equal("Thames Coffee Ltd", created.Name);
        Assert.Equal("MID-0001", created.MerchantNumber);
        Assert.Equal("GB", created.Country);
        Assert.Equal(2, updated.PciLevel);
        var entries = await portal.GetService<IAuditLog>().SearchAsync(new AuditQuery { MerchantIds = [created.Id] });
        Assert.Equal(["merchant.updated", "merchant.created"], entries.Rows.Select(r => r.Action));
        Assert.All(entries.Rows, r => Assert.Equal("Pat Admin", r.ActorName));
    }

    [Theory, BothDatabases]
    public async Task Bad_merchant_input_names_every_field_and_writes_nothing(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        var editor = portal.GetService<MerchantEditor>();
        await editor.CreateMerchantAsync(Admin, Coffee("MID-0001"));

        var bad = await Assert.ThrowsAsync<InputValidationException>(() => editor.CreateMerchantAsync(Admin,
            new MerchantInput { Name = "", MerchantNumber = "x", Country = "XX", PciLevel = 7, SaqType = "Q" }));
        var duplicate = await Assert.ThrowsAsync<InputValidationException>(() => editor.CreateMerchantAsync(Admin, Coffee("MID-0001")));

        Assert.Equal(
            [nameof(MerchantInput.Country), nameof(MerchantInput.MerchantNumber), nameof(MerchantInput.Name), nameof(MerchantInput.PciLevel), nameof(MerchantInput.SaqType)],
            bad.Errors.Keys.Order());
        Assert.Contains("already has this merchant ID", Assert.Single(duplicate.Errors[nameof(MerchantInput.MerchantNumber)]));
        Assert.Single(await portal.GetService<MerchantDirectory>().ListMerchantsAsync(Admin));
    }

    [Theory, BothDatabases]
    public async Task Owners_edit_their_own_stores_only_and_others_may_not_touch_merchants(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        var editor = portal.GetService<MerchantEditor>();
        var directory = portal.GetService<MerchantDirectory>();
        var mine = await editor.CreateMerchantAsync(Admin, Coffee("MID-0001"));
        var theirs = await editor.CreateMerchantAsync(Admin, Coffee("MID-0002"));
        var owner = new AccessScope(Guid.NewGuid(), false, [new MerchantGrant(mine.Id, MerchantRole.Owner)], "Olive Owner");
        var officer = new AccessScope(Guid.NewGuid(), false, [new MerchantGrant(mine.Id, MerchantRole.ComplianceOfficer)], "Colin Officer");

        var storeId = await editor.SaveStoreAsync(owner, mine.Id, null, Store());
        var renamed = Store("London Bridge (riverside)");
        await editor.SaveStoreAsync(owner, mine.Id, storeId, renamed);

        await Assert.ThrowsAsync<AccessDeniedException>(() => editor.SaveStoreAsync(owner, theirs.Id, null, Store()));
        await Assert.ThrowsAsync<AccessDeniedException>(() => editor.SaveStoreAsync(officer, mine.Id, null, Store("Other")));
        await Assert.ThrowsAsync<AccessDeniedException>(() => editor.CreateMerchantAsync(owner, Coffee("MID-0003")));
        await Assert.ThrowsAsync<AccessDeniedException>(() => editor.UpdateMerchantAsync(owner, mine.Id, Coffee("MID-0001")));

        var store = Assert.Single(await directory.ListStoresAsync(owner, mine.Id));
        Assert.Equal("London Bridge (riverside)", store.Name);
        Assert.Equal(6, store.OpeningHours!.Periods.Count);
        Assert.Equal(DayOfWeek.Monday, store.OpeningHours.Periods[0].Day);
        Assert.Empty(await directory.ListStoresAsync(owner, theirs.Id));
        Assert.Null(await directory.GetMerchantAsync(owner, theirs.Id));
        Assert.Equal([mine.Id], (await directory.ListMerchantsAsync(officer)).Select(m => m.Id));
        Assert.Equal(new EstateSummary(1, 1, 1), await directory.SummariseAsync(owner));
    }

    [Theory, BothDatabases]
    public async Task Bad_store_input_is_refused_field_by_field(DatabaseProvider provider)
    {
        await using var portal = await PortalHost.StartAsync(provider);
        var editor = portal.GetService<MerchantEditor>();
        var merchant = await editor.CreateMerchantAsync(Admin, Coffee());
        await editor.SaveStoreAsync(Admin, merchant.Id, null, Store());
        var bad = Store();
        bad.TimeZone = "Mars/Olympus";
        bad.Latitude = 123;
        bad.Hours[DayOfWeek.Monday] = (TimeSpan.FromHours(18), TimeSpan.FromHours(8));

        var error = await Assert.ThrowsAsync<InputValidationException>(() => editor.SaveStoreAsync(Admin, merchant.Id, null, bad));
        var duplicate = await Assert.ThrowsAsync<InputValidationException>(() => editor.SaveStoreAsync(Admin, merchant.Id, null, Store()));

        Assert.Equal(["Hours", nameof(StoreInput.Latitude), nameof(StoreInput.TimeZone)], error.Errors.Keys.Order());
        Assert.Contains("Monday", error.Errors["Hours"][0]);
        Assert.Contains("already has a store", duplicate.Errors[nameof(StoreInput.Name)][0]);
    }
}
