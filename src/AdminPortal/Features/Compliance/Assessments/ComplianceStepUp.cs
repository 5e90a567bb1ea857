using System.Security.Claims;

namespace AdminPortal.Features.Compliance.Assessments;

/// <summary>
/// The one place Compliance asks for a fresh step-up before attesting. Until the Accounts slice provides
/// <c>IStepUp</c>, it refuses (unless a test or local run sets <c>Compliance:AllowAttestationWithoutStepUp</c>);
/// wiring it is a one-line change: inject <c>IStepUp</c> and make the body <c>await stepUp.EnsureFreshAsync(user)</c>.
/// </summary>
public sealed class ComplianceStepUp(IConfiguration configuration)
{
    public const string BypassSetting = "Compliance:AllowAttestationWithoutStepUp";

    public Task EnsureFreshForAttestationAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        _ = user;
        _ = cancellationToken;
        if (configuration.GetValue<bool>(BypassSetting))
        {
            return Task.CompletedTask;
        }

        throw new ComplianceRuleException("Attesting needs a fresh confirmation with your security key (step-up), which this portal build cannot ask for yet.");
    }
}

public static class ComplianceActors
{
    /// <summary>The acting person from the sign-in claims the Accounts slice issues (NameIdentifier = person id, Name = display name).</summary>
    public static ComplianceActor From(ClaimsPrincipal user) => new(
        Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null,
        user.FindFirstValue(ClaimTypes.Name) ?? user.Identity?.Name ?? "Unknown person");
}
