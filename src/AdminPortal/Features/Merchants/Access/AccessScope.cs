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
    private readonly AccessScope? _whole;

    public AccessScope(Guid? personId, bool isPlatformAdmin, IReadOnlyList<MerchantGrant> grants, string? personName = null)
        : this(personId, isPlatformAdmin, grants, personName, focus: null, whole: null)
    {
    }

    private AccessScope(Guid? personId, bool isPlatformAdmin, IReadOnlyList<MerchantGrant> grants, string? personName, Guid? focus, AccessScope? whole)
    {
        PersonId = personId;
        PersonName = personName;
        IsPlatformAdmin = isPlatformAdmin;
        Grants = grants;
        FocusedMerchantId = focus;
        _whole = whole;
        _roles = grants.ToLookup(g => g.MerchantId, g => g.Role);
    }

    /// <summary>
    /// The merchant the person chose in the app bar's merchant switcher; null when they look at every merchant of
    /// their scope. A focused scope sees only that merchant, even for a platform admin (who keeps the admin rights).
    /// </summary>
    public Guid? FocusedMerchantId { get; }

    /// <summary>
    /// The scope before the merchant choice: only the merchant switcher reads it, to offer the other merchants.
    /// </summary>
    public AccessScope Whole => _whole ?? this;

    public Guid? PersonId { get; }

    /// <summary>Display name, for audit entries.</summary>
    public string? PersonName { get; }

    public bool IsPlatformAdmin { get; }

    public IReadOnlyList<MerchantGrant> Grants { get; }

    /// <summary>The merchants this person may read; null means every merchant (platform admin).</summary>
    public IReadOnlyCollection<Guid>? MerchantIds =>
        FocusedMerchantId is { } focus ? [focus] : IsPlatformAdmin ? null : _roles.Select(g => g.Key).ToList();

    public bool CanSee(Guid merchantId) =>
        FocusedMerchantId is { } focus ? merchantId == focus : IsPlatformAdmin || _roles.Contains(merchantId);

    /// <summary>True when the person holds one of <paramref name="roles"/> in the merchant (platform admins hold all).</summary>
    public bool Has(Guid merchantId, params MerchantRole[] roles) =>
        CanSee(merchantId) && (IsPlatformAdmin || _roles[merchantId].Any(roles.Contains));

    /// <summary>Merchants where the person holds one of <paramref name="roles"/>; null means every merchant.</summary>
    public IReadOnlyCollection<Guid>? MerchantsWith(params MerchantRole[] roles) =>
        FocusedMerchantId is { } focus ? (Has(focus, roles) ? [focus] : [])
        : IsPlatformAdmin ? null : Grants.Where(g => roles.Contains(g.Role)).Select(g => g.MerchantId).Distinct().ToList();

    /// <summary>
    /// This scope narrowed to one merchant (the app bar's choice). Never widens: a merchant outside the scope is
    /// ignored and the scope is returned unchanged.
    /// </summary>
    public AccessScope FocusOn(Guid merchantId)
    {
        var whole = Whole;
        if (!whole.CanSee(merchantId))
        {
            return whole;
        }

        return new AccessScope(PersonId, IsPlatformAdmin, whole.Grants.Where(g => g.MerchantId == merchantId).ToList(), PersonName, merchantId, whole);
    }

    public static AccessScope PlatformAdmin(Guid personId, string? name = null) => new(personId, true, [], name);
}

/// <summary>Answers "which merchants may this person see, with which role" (the Merchants slice implements it).</summary>
public interface IAccessScopeProvider
{
    Task<AccessScope> GetAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default);
}
