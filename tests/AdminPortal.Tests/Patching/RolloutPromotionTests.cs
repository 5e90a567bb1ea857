using AdminPortal.Features.Patching;
using Microsoft.Extensions.Time.Testing;

namespace AdminPortal.Tests.Patching;

public sealed class RolloutPromotionTests
{
    private static readonly RolloutPlan Plan = new([1m, 5m, 20m, 100m], TimeSpan.FromHours(24), FailureThresholdPercent: 5m);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));

    private RolloutDecision Decide(RolloutState state, int attempted = 0, int failed = 0) =>
        RolloutEngine.Decide(Plan, state, new RingOutcome(attempted, failed), _clock.GetUtcNow());

    [Fact]
    public void Holds_a_ring_until_its_soak_time_has_passed()
    {
        var state = RolloutState.StartAt(_clock.GetUtcNow());
        _clock.Advance(TimeSpan.FromHours(23) + TimeSpan.FromMinutes(59));
        var decision = Decide(state, attempted: 10);
        Assert.Equal(RolloutDecisionKind.Hold, decision.Kind);
        Assert.Same(state, decision.State);
        Assert.Contains("soaks until", decision.Reason);
    }

    [Fact]
    public void Promotes_after_the_soak_while_failures_stay_under_the_threshold()
    {
        var state = RolloutState.StartAt(_clock.GetUtcNow());
        _clock.Advance(TimeSpan.FromHours(24));
        var decision = Decide(state, attempted: 100, failed: 4); // 4 % < 5 %
        Assert.Equal(RolloutDecisionKind.Promote, decision.Kind);
        Assert.Equal(1, decision.State.RingIndex);
        Assert.Equal(_clock.GetUtcNow(), decision.State.RingStartedAt);
        Assert.Equal(5m, Plan.PercentOf(decision.State.RingIndex));
    }

    [Fact]
    public void Walks_every_ring_to_one_hundred_percent_and_stays_there()
    {
        var state = RolloutState.StartAt(_clock.GetUtcNow());
        var reached = new List<decimal> { Plan.PercentOf(state.RingIndex) };
        for (var day = 0; day < 6; day++)
        {
            _clock.Advance(TimeSpan.FromDays(1));
            var decision = Decide(state, attempted: 50);
            if (decision.Kind == RolloutDecisionKind.Promote)
            {
                reached.Add(Plan.PercentOf(decision.State.RingIndex));
            }

            state = decision.State;
        }

        Assert.Equal([1m, 5m, 20m, 100m], reached);
        Assert.Equal(3, state.RingIndex);
        Assert.Equal(RolloutPhase.Running, state.Phase);
    }

    [Fact]
    public void Halts_at_once_when_the_failure_rate_reaches_the_threshold_even_before_the_soak()
    {
        var state = RolloutState.StartAt(_clock.GetUtcNow());
        _clock.Advance(TimeSpan.FromHours(2));
        var decision = Decide(state, attempted: 20, failed: 1); // exactly 5 %
        Assert.Equal(RolloutDecisionKind.Halt, decision.Kind);
        Assert.Equal(RolloutPhase.Halted, decision.State.Phase);
        Assert.Equal(0, decision.State.RingIndex);
        Assert.Contains("5 %", decision.State.HaltReason);
    }

    [Fact]
    public void A_halted_rollout_stays_halted_however_long_it_waits()
    {
        var state = RolloutState.StartAt(_clock.GetUtcNow()) with { Phase = RolloutPhase.Halted, HaltReason = "too many failures" };
        _clock.Advance(TimeSpan.FromDays(30));
        var decision = Decide(state, attempted: 1000, failed: 0);
        Assert.Equal(RolloutDecisionKind.Hold, decision.Kind);
        Assert.Equal(RolloutPhase.Halted, decision.State.Phase);
    }

    [Fact]
    public void Halts_in_the_last_ring_too()
    {
        var state = new RolloutState(3, _clock.GetUtcNow(), RolloutPhase.Running);
        Assert.Equal(RolloutDecisionKind.Halt, Decide(state, attempted: 10, failed: 3).Kind);
        Assert.Equal(RolloutDecisionKind.Hold, Decide(state, attempted: 10, failed: 0).Kind);
    }

    [Fact]
    public void Waits_for_the_minimum_sample_before_judging_failures()
    {
        var plan = Plan with { MinimumSample = 5 };
        var state = RolloutState.StartAt(_clock.GetUtcNow());
        Assert.Equal(RolloutDecisionKind.Hold, RolloutEngine.Decide(plan, state, new RingOutcome(4, 4), _clock.GetUtcNow()).Kind);
        Assert.Equal(RolloutDecisionKind.Halt, RolloutEngine.Decide(plan, state, new RingOutcome(5, 1), _clock.GetUtcNow()).Kind);
    }

    [Fact]
    public void An_empty_ring_is_promoted_after_its_soak()
    {
        // A 1 % ring of a small estate may hold no device at all: there is nothing to wait for after the soak.
        var state = RolloutState.StartAt(_clock.GetUtcNow());
        _clock.Advance(Plan.Soak);
        Assert.Equal(RolloutDecisionKind.Promote, Decide(state).Kind);
    }
}
