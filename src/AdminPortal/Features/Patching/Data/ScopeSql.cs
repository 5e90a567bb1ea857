using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using Dapper;

namespace AdminPortal.Features.Patching;

/// <summary>The tenant filter every Patching query carries.</summary>
internal static class ScopeSql
{
    /// <summary>A WHERE condition limiting <paramref name="column"/> to the scope's merchants ("1 = 1" for platform admins).</summary>
    public static string MerchantFilter(AccessScope scope, SqlDialect dialect, DynamicParameters parameters, string column = "merchant_id")
    {
        if (scope.MerchantIds is not { } ids)
        {
            return "1 = 1";
        }

        if (ids.Count == 0)
        {
            return "1 = 0";
        }

        parameters.Add("scopeMerchantIds", ids.ToArray());
        return dialect.AnyOf(column, "scopeMerchantIds");
    }

    public static void RequireOwner(AccessScope scope, Guid merchantId, string what)
    {
        if (!scope.CanSee(merchantId))
        {
            throw new PatchingNotFoundException(what);
        }

        if (!scope.Has(merchantId, MerchantRole.Owner))
        {
            throw new PatchingForbiddenException("Only the merchant's owners and platform admins change patch policies.");
        }
    }
}
