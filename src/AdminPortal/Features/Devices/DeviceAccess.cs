using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using Dapper;

namespace AdminPortal.Features.Devices;

/// <summary>How the Devices slice applies an <see cref="AccessScope"/>: one place, so every query filters the same way.</summary>
public static class DeviceAccess
{
    /// <summary>Roles that may act on devices (enroll, lock, wipe…); compliance officers only read.</summary>
    public static readonly MerchantRole[] ActorRoles = [MerchantRole.Owner, MerchantRole.SupportAgent];

    public sealed record Filter(string Sql, object Parameters);

    /// <summary>
    /// The SQL condition limiting rows to the scope (and to <paramref name="merchantId"/> if given), or null when
    /// nothing can match (a person without grants, or a merchant outside the scope).
    /// </summary>
    public static Filter? MerchantFilter(AccessScope scope, Guid? merchantId, SqlDialect dialect, string column = "merchant_id")
    {
        if (merchantId is { } one)
        {
            return scope.CanSee(one) ? new Filter($"{column} = @scopeMerchantId", new { scopeMerchantId = one }) : null;
        }

        if (scope.MerchantIds is not { } ids)
        {
            return new Filter("1 = 1", new { });
        }

        // One merchant (most people): plain equality. PostgreSQL cannot read an index in order under "= ANY(array)", so
        // sorting a merchant's list by serial sorted all its devices (246 ms at 333,000, docs/BENCHMARKS.md).
        return ids.Count switch
        {
            0 => null,
            1 => new Filter($"{column} = @scopeMerchantId", new { scopeMerchantId = ids.First() }),
            _ => new Filter(dialect.AnyOf(column, "scopeMerchantIds"), new { scopeMerchantIds = ids.ToArray() }),
        };
    }

    /// <summary>Throws "not found" for a merchant outside the scope and "denied" for a reader without an acting role.</summary>
    public static void RequireActor(AccessScope scope, Guid merchantId, string what)
    {
        if (!scope.CanSee(merchantId))
        {
            throw new KeyNotFoundException("The merchant was not found.");
        }

        if (!scope.Has(merchantId, ActorRoles))
        {
            throw new DeviceActionDeniedException($"Only a merchant owner or support agent may {what}.");
        }
    }

    internal static DynamicParameters With(this DynamicParameters parameters, string name, object? value)
    {
        parameters.Add(name, value);
        return parameters;
    }
}
