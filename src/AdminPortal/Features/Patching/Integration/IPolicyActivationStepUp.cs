namespace AdminPortal.Features.Patching;

/// <summary>
/// The step-up check in front of every action that puts a policy in force (activate, resume).
/// Wiring Accounts' step-up is one line in <see cref="PatchingModule.AddPatching"/>: replace the
/// <see cref="StepUpNotWiredYet"/> registration by an adapter over <c>IStepUp.EnsureFreshAsync(user)</c>.
/// </summary>
public interface IPolicyActivationStepUp
{
    /// <summary>True when the person gave a fresh WebAuthn assertion; false makes the activation refuse with <see cref="StepUpRequiredException"/>.</summary>
    Task<bool> IsFreshAsync(PatchingActor actor, CancellationToken cancellationToken = default);
}

/// <summary>
/// Stand-in until Accounts' step-up lands: lets activation through and logs a warning every time, so the gap is visible.
/// Never ship without the real one.
/// </summary>
internal sealed class StepUpNotWiredYet(ILogger<StepUpNotWiredYet> logger) : IPolicyActivationStepUp
{
    public Task<bool> IsFreshAsync(PatchingActor actor, CancellationToken cancellationToken = default)
    {
        logger.LogWarning("Step-up is not wired yet: {Actor} activated a patch policy without a fresh WebAuthn assertion.", actor.Name);
        return Task.FromResult(true);
    }
}
