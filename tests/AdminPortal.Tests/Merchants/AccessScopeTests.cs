using AdminPortal.Features.Merchants.Access;

namespace AdminPortal.Tests.Merchants;

public sealed class AccessScopeTests
{
    private static readonly Guid Bakery = Guid.NewGuid();
    private static readonly Guid Coffee = Guid.NewGuid();
    private static readonly Guid Stranger = Guid.NewGuid();

    [Fact]
    public void A_person_with_roles_in_two_merchants_sees_those_two_and_acts_only_where_the_role_allows()
    {
        var scope = new AccessScope(Guid.NewGuid(), false,
            [new MerchantGrant(Bakery, MerchantRole.Owner), new MerchantGrant(Coffee, MerchantRole.ComplianceOfficer)]);

        Assert.Equal(new[] { Bakery, Coffee }.Order(), scope.MerchantIds!.Order()); // random ids: compare sorted with sorted
        Assert.True(scope.CanSee(Coffee));
        Assert.False(scope.CanSee(Stranger));
        Assert.True(scope.Has(Bakery, MerchantRole.Owner, MerchantRole.SupportAgent));
        Assert.False(scope.Has(Coffee, MerchantRole.Owner, MerchantRole.SupportAgent));
        Assert.False(scope.Has(Stranger, MerchantRole.Owner));
        Assert.Equal([Coffee], scope.MerchantsWith(MerchantRole.ComplianceOfficer)!);
    }

    [Fact]
    public void Several_roles_in_one_merchant_count_once()
    {
        var scope = new AccessScope(Guid.NewGuid(), false,
            [new MerchantGrant(Bakery, MerchantRole.Owner), new MerchantGrant(Bakery, MerchantRole.ComplianceOfficer)]);

        Assert.Equal([Bakery], scope.MerchantIds!);
        Assert.Equal([Bakery], scope.MerchantsWith(MerchantRole.Owner, MerchantRole.ComplianceOfficer)!);
    }

    [Fact]
    public void A_platform_admin_sees_and_acts_everywhere_and_nobody_sees_nothing()
    {
        var admin = AccessScope.PlatformAdmin(Guid.NewGuid(), "Ada");

        Assert.Null(admin.MerchantIds);
        Assert.Null(admin.MerchantsWith(MerchantRole.ComplianceOfficer));
        Assert.True(admin.CanSee(Stranger));
        Assert.True(admin.Has(Stranger, MerchantRole.Owner));
        Assert.Empty(AccessScope.Nobody.MerchantIds!);
        Assert.False(AccessScope.Nobody.CanSee(Bakery));
        Assert.Empty(AccessScope.Nobody.MerchantsWith(MerchantRole.Owner)!);
    }

    [Fact]
    public void Focusing_on_a_merchant_narrows_to_it_and_a_merchant_outside_the_scope_is_ignored()
    {
        var scope = new AccessScope(Guid.NewGuid(), false,
            [new MerchantGrant(Bakery, MerchantRole.Owner), new MerchantGrant(Coffee, MerchantRole.ComplianceOfficer)]);

        var focused = scope.FocusOn(Coffee);

        Assert.Equal([Coffee], focused.MerchantIds!);
        Assert.False(focused.CanSee(Bakery));
        Assert.False(focused.Has(Bakery, MerchantRole.Owner));
        Assert.Empty(focused.MerchantsWith(MerchantRole.Owner)!);
        Assert.Equal([new MerchantGrant(Coffee, MerchantRole.ComplianceOfficer)], focused.Grants);
        Assert.Same(scope, focused.Whole);
        Assert.Same(scope, scope.FocusOn(Stranger));
        Assert.Same(scope, focused.FocusOn(Stranger));
        Assert.Equal([Bakery], focused.FocusOn(Bakery).MerchantIds!);
    }

    [Fact]
    public void A_focused_platform_admin_sees_one_merchant_and_keeps_admin_rights_there()
    {
        var admin = AccessScope.PlatformAdmin(Guid.NewGuid()).FocusOn(Bakery);

        Assert.True(admin.IsPlatformAdmin);
        Assert.Equal([Bakery], admin.MerchantIds!);
        Assert.Equal([Bakery], admin.MerchantsWith(MerchantRole.ComplianceOfficer)!);
        Assert.True(admin.Has(Bakery, MerchantRole.Owner));
        Assert.False(admin.CanSee(Coffee));
        Assert.Same(AccessScope.Nobody, AccessScope.Nobody.FocusOn(Bakery));
    }
}
