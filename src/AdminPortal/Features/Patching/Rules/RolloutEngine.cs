namespace AdminPortal.Features.Patching;

/// <summary>
/// Staged rollout: rings of growing size (percent of the targeted devices, cumulative, the last one 100),
/// each held for <see cref="Soak"/> before the next, and halted at once when the failure rate reaches the threshold.
/// </summary>
/// <param name="MinimumSample">Installs needed before the failure rate may halt a rollout; one is deliberately strict for payment terminals.</param>
public sealed record RolloutPlan(IReadOnlyList<decimal> RingPercents, TimeSpan Soak, decimal FailureThresholdPercent, int MinimumSample = 1)
{
    public static RolloutPlan Standard { get; } = new([1m, 5m, 20m, 100m], TimeSpan.FromHours(24), 5m);

    public decimal PercentOf(int ringIndex) => RingPercents[Math.Clamp(ringIndex, 0, RingPercents.Count - 1)];

    public bool IsLastRing(int ringIndex) => ringIndex >= RingPercents.Count - 1;
}

[System.Text.Json.Serialization.JsonConverter(typeof(CamelCaseEnumConverter<RolloutPhase>))]
public enum RolloutPhase
{
    Running = 1,
    Halted = 2,
}

/// <summary>Where an active policy's rollout stands.</summary>
public sealed record RolloutState(int RingIndex, DateTimeOffset RingStartedAt, RolloutPhase Phase, string? HaltReason = null)
{
    public static RolloutState StartAt(DateTimeOffset now) => new(0, now, RolloutPhase.Running);
}

/// <summary>Install outcomes among devices of the rings reached so far, counted per device (its latest report).</summary>
public sealed record RingOutcome(int Attempted, int Failed)
{
    public decimal FailureRatePercent => Attempted == 0 ? 0m : Math.Round(100m * Failed / Attempted, 2);
}

public enum RolloutDecisionKind
{
    Hold = 1,
    Promote = 2,
    Halt = 3,
}

public sealed record RolloutDecision(RolloutDecisionKind Kind, RolloutState State, string Reason);

/// <summary>Pure rollout rules; the supervisor feeds it the clock and the install ledger's counts.</summary>
public static class RolloutEngine
{
    public static RolloutDecision Decide(RolloutPlan plan, RolloutState state, RingOutcome outcome, DateTimeOffset now)
    {
        if (state.Phase == RolloutPhase.Halted)
        {
            return new(RolloutDecisionKind.Hold, state, "The rollout is halted until someone resumes it.");
        }

        // Halting does not wait for the soak: a bad release must stop spreading as soon as it shows.
        if (outcome.Attempted >= plan.MinimumSample && outcome.FailureRatePercent >= plan.FailureThresholdPercent)
        {
            var reason = $"Failure rate {outcome.FailureRatePercent:0.##} % ({outcome.Failed} of {outcome.Attempted} devices) reached the " +
                         $"{plan.FailureThresholdPercent:0.##} % threshold in ring {state.RingIndex + 1} ({plan.PercentOf(state.RingIndex):0.##} %).";
            return new(RolloutDecisionKind.Halt, state with { Phase = RolloutPhase.Halted, HaltReason = reason }, reason);
        }

        if (plan.IsLastRing(state.RingIndex))
        {
            return new(RolloutDecisionKind.Hold, state, "Every targeted device is in the rollout.");
        }

        var soakEndsAt = state.RingStartedAt + plan.Soak;
        if (now < soakEndsAt)
        {
            return new(RolloutDecisionKind.Hold, state, $"Ring {state.RingIndex + 1} soaks until {soakEndsAt:yyyy-MM-dd HH:mm} UTC.");
        }

        var next = state.RingIndex + 1;
        return new(RolloutDecisionKind.Promote, state with { RingIndex = next, RingStartedAt = now },
            $"Promoted to ring {next + 1} ({plan.PercentOf(next):0.##} %) after a soak of {plan.Soak.TotalHours:0.#} h at {outcome.FailureRatePercent:0.##} % failures.");
    }
}
