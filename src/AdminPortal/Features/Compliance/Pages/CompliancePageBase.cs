using AdminPortal.Features.Compliance.Assessments;
using AdminPortal.Features.Merchants;
using AdminPortal.Features.Merchants.Access;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace AdminPortal.Features.Compliance.Pages;

/// <summary>
/// What every Compliance page needs first: the signed-in person's <see cref="AccessScope"/> (from the registered
/// <see cref="IAccessScopeProvider"/> and the cascading authentication state), the acting person, and the merchants
/// they may see. Without a provider nobody has a scope, and the pages say so instead of showing data.
/// </summary>
public abstract class CompliancePageBase : ComponentBase
{
    [CascadingParameter]
    private Task<AuthenticationState>? AuthenticationState { get; set; }

    [Inject]
    private IServiceProvider Services { get; set; } = default!;

    [Inject]
    protected MerchantDirectory MerchantDirectory { get; set; } = default!;

    protected AccessScope Scope { get; private set; } = AccessScope.Nobody;

    protected ComplianceActor Actor { get; private set; } = new(null, "Unknown person");

    protected System.Security.Claims.ClaimsPrincipal User { get; private set; } = new();

    protected bool ScopeConfigured { get; private set; }

    protected IReadOnlyList<Merchant> VisibleMerchants { get; private set; } = [];

    protected async Task LoadScopeAsync()
    {
        User = AuthenticationState is null ? new() : (await AuthenticationState).User;
        Actor = ComplianceActors.From(User);
        var provider = Services.GetService<IAccessScopeProvider>();
        ScopeConfigured = provider is not null;
        Scope = provider is null ? AccessScope.Nobody : await provider.GetAsync(User);
        // Nobody sees nothing: don't even read the merchant list.
        VisibleMerchants = Scope.MerchantIds is { Count: 0 }
            ? []
            : (await MerchantDirectory.ListMerchantsAsync(Scope)).ToList();
    }

    protected bool IsOfficer(Guid merchantId) => Scope.Has(merchantId, MerchantRole.ComplianceOfficer);

    protected static string StatusLabel(AssessmentStatus status) => status switch
    {
        AssessmentStatus.Draft => "Draft",
        AssessmentStatus.InReview => "In review",
        AssessmentStatus.Reviewed => "Reviewed",
        AssessmentStatus.Attested => "Attested",
        _ => status.ToString(),
    };

    protected static MudBlazor.Color StatusColour(AssessmentStatus status) => status switch
    {
        AssessmentStatus.Draft => MudBlazor.Color.Default,
        AssessmentStatus.InReview => MudBlazor.Color.Info,
        AssessmentStatus.Reviewed => MudBlazor.Color.Primary,
        AssessmentStatus.Attested => MudBlazor.Color.Success,
        _ => MudBlazor.Color.Default,
    };
}
