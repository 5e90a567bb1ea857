using System.Security.Claims;

namespace AdminPortal.Features.Merchants.Access;

/// <summary>A person's role in one merchant. Platform admins hold no grants: they see every merchant.</summary>
public enum MerchantRole
{
    /// <summary>Provider staff assigned to the merchant: incidents, alerts and device actions.</summary>
    SupportAgent = 1,

    /// <summary>Runs the merchant: stores, devices, patch policies, alerts, incidents, people, SAQ.</summary>
    Owner = 2,

    /// <summary>Reads the merchant's data; edits, attests and exports its SAQ; reads its audit log.</summary>
    ComplianceOfficer = 3,
}

public sealed record MerchantGrant(Guid MerchantId, MerchantRole Role);

/// <summary>
/// Which merchants a person may see, with which roles. Every query of every area takes one and filters by
/// <see cref="MerchantIds"/> (null only for platform admins, meaning "all merchants").
/// </summary>
public sealed class AccessScope
{
    public static readonly AccessScope Nobody = new(null, false, []);

    private readonly ILookup<Guid, MerchantRole> _roles;

    public AccessScope(Guid? personId, bool isPlatformAdmin, IReadOnlyList<MerchantGrant> grants, string? personName = null)
    {
        PersonId = personId;
        PersonName = personName;
        IsPlatformAdmin = isPlatformAdmin;
        Grants = grants;
        _roles = grants.ToLookup(g => g.MerchantId, g => g.Role);
    }

    public Guid? PersonId { get; }

    /// <summary>Display name, for audit entries.</summary>
    public string? PersonName { get; }

    public bool IsPlatformAdmin { get; }

    public IReadOnlyList<MerchantGrant> Grants { get; }

    /// <summary>The merchants this person may read; null means every merchant (platform admin).</summary>
    public IReadOnlyCollection<Guid>? MerchantIds => IsPlatformAdmin ? null : _roles.Select(g => g.Key).ToList();

    public bool CanSee(Guid merchantId) => IsPlatformAdmin || _roles.Contains(merchantId);

    /// <summary>True when the person holds one of <paramref name="roles"/> in the merchant (platform admins hold all).</summary>
    public bool Has(Guid merchantId, params MerchantRole[] roles) =>
        IsPlatformAdmin || _roles[merchantId].Any(roles.Contains);

    /// <summary>Merchants where the person holds one of <paramref name="roles"/>; null means every merchant.</summary>
    public IReadOnlyCollection<Guid>? MerchantsWith(params MerchantRole[] roles) =>
        IsPlatformAdmin ? null : Grants.Where(g => roles.Contains(g.Role)).Select(g => g.MerchantId).Distinct().ToList();

    public static AccessScope PlatformAdmin(Guid personId, string? name = null) => new(personId, true, [], name);
}

/// <summary>Answers "which merchants may this person see, with which role" (the Merchants slice implements it).</summary>
public interface IAccessScopeProvider
{
    Task<AccessScope> GetAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default);
}
