using System.Security.Claims;

namespace AdminPortal.Features.Compliance.Assessments;

/// <summary>The one place Compliance asks for a fresh step-up (a WebAuthn assertion within minutes) before attesting.</summary>
public sealed class ComplianceStepUp(AdminPortal.Features.Accounts.StepUp.IStepUp stepUp)
{
    public async Task EnsureFreshForAttestationAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        if (!await stepUp.IsFreshAsync(user, cancellationToken))
        {
            throw new ComplianceRuleException("Attesting needs a fresh confirmation with your security key or passkey (step-up).");
        }
    }
}

public static class ComplianceActors
{
    /// <summary>The acting person from the sign-in claims the Accounts slice issues (NameIdentifier = person id, Name = display name).</summary>
    public static ComplianceActor From(ClaimsPrincipal user) => new(
        Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null,
        user.FindFirstValue(ClaimTypes.Name) ?? user.Identity?.Name ?? "Unknown person");
}
