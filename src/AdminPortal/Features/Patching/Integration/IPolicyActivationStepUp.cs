namespace AdminPortal.Features.Patching;

/// <summary>The step-up check in front of every action that puts a policy in force (activate, resume).</summary>
public interface IPolicyActivationStepUp
{
    /// <summary>True when the person gave a fresh WebAuthn assertion; false makes the activation refuse with <see cref="StepUpRequiredException"/>.</summary>
    Task<bool> IsFreshAsync(PatchingActor actor, CancellationToken cancellationToken = default);
}

/// <summary>Accounts' step-up: a WebAuthn assertion on this person's session within the last five minutes.</summary>
internal sealed class AccountsPolicyActivationStepUp(AdminPortal.Features.Accounts.StepUp.IStepUp stepUp) : IPolicyActivationStepUp
{
    public async Task<bool> IsFreshAsync(PatchingActor actor, CancellationToken cancellationToken = default) =>
        actor.Principal is { } user && await stepUp.IsFreshAsync(user, cancellationToken);
}
