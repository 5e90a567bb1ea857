namespace AdminPortal.Features.Patching;

/// <summary>The policy or release does not exist, or belongs to a merchant the person cannot see (the two look alike on purpose).</summary>
public sealed class PatchingNotFoundException(string what) : Exception($"{what} was not found.");

/// <summary>The person sees the merchant but lacks the role the action needs (merchant owner or platform admin).</summary>
public sealed class PatchingForbiddenException(string message) : Exception(message);

/// <summary>The action breaks a life-cycle rule: wrong state, the author approving their own policy, a concurrent change.</summary>
public sealed class PatchingRuleException(string message) : Exception(message);

/// <summary>Activation needs a fresh WebAuthn assertion (step-up) that the person has not given.</summary>
public sealed class StepUpRequiredException() : Exception("Confirm with your security key or passkey before activating a patch policy.");
