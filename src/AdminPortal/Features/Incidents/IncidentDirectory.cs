using AdminPortal.Features.Accounts;
using AdminPortal.Features.Merchants;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Features.Merchants.People;

namespace AdminPortal.Features.Incidents;

/// <summary>Names and people the incident pages need, read through the Merchants and Accounts slices' C# APIs.</summary>
public sealed class IncidentDirectory(MerchantDirectory merchants, MerchantMemberships memberships, PersonDirectory people)
{
    /// <summary>Who may hold an incident of the merchant: its active support agents and the active platform admins.</summary>
    public async Task<IReadOnlyList<IncidentAssignee>> AssigneesAsync(AccessScope scope, Guid merchantId, CancellationToken ct = default)
    {
        if (!scope.CanSee(merchantId))
        {
            return [];
        }

        var agents = (await memberships.ListAsync(scope, merchantId, ct))
            .Where(m => m.Role == MerchantRole.SupportAgent && m.Status == PersonStatus.Active)
            .Select(m => new IncidentAssignee(m.PersonId, m.DisplayName));
        var admins = (await people.ListAsync(ct))
            .Where(p => p.IsPlatformAdmin && p.IsActive)
            .Select(p => new IncidentAssignee(p.Id, p.DisplayName));
        return agents.Concat(admins).DistinctBy(a => a.PersonId).OrderBy(a => a.Name, StringComparer.CurrentCultureIgnoreCase).ToList();
    }

    /// <summary>The merchants of the scope, by name.</summary>
    public async Task<IReadOnlyList<Merchant>> MerchantsAsync(AccessScope scope, CancellationToken ct = default) =>
        (await merchants.ListMerchantsAsync(scope, null, ct)).OrderBy(m => m.Name, StringComparer.CurrentCultureIgnoreCase).ToList();
}
