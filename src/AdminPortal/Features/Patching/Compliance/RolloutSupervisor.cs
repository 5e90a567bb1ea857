using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Cluster;

namespace AdminPortal.Features.Patching;

/// <summary>
/// Advances every active rollout: promotes a ring after its soak while failures stay under the threshold, halts it
/// when they do not, and completes a policy once its last ring is reached and every targeted device is compliant.
/// Safe with several portal instances: each change is a compare-and-set on the policy's row version, and a loser skips.
/// </summary>
public sealed class RolloutSupervisor(
    PatchPolicyQueries queries, PatchPolicyLifecycle lifecycle, PatchInstallLedger ledger, IDeviceInventory inventory,
    TimeProvider clock, ILogger<RolloutSupervisor> logger)
{
    private static readonly AccessScope Platform = new(null, true, []);

    /// <summary>Evaluates every active policy once; returns what it decided, for the log and for tests.</summary>
    public async Task<IReadOnlyList<RolloutDecision>> EvaluateAsync(CancellationToken ct = default)
    {
        var decisions = new List<RolloutDecision>();
        foreach (var merchant in (await queries.ListInForceAsync(Platform, ct)).GroupBy(p => p.MerchantId))
        {
            var devices = await inventory.ListAsync(merchant.Key, ct);
            var since = merchant.Min(p => p.OutcomesSince ?? p.ActivatedAt ?? p.CreatedAt);
            var records = await ledger.ListAsync(Platform, merchant.Key, since, ct);
            foreach (var policy in merchant)
            {
                var decision = await EvaluateOneAsync(policy, devices, records, ct);
                if (decision is not null)
                {
                    decisions.Add(decision);
                }
            }
        }

        return decisions;
    }

    private async Task<RolloutDecision?> EvaluateOneAsync(PatchPolicy policy, IReadOnlyList<DeviceSnapshot> devices, IReadOnlyList<InstallRecord> records, CancellationToken ct)
    {
        var progress = RolloutProgressCalculator.Compute(policy, devices, records);
        var decision = RolloutEngine.Decide(policy.Definition.Rollout, policy.Rollout, progress.Outcome, clock.GetUtcNow());
        try
        {
            if (decision.Kind is RolloutDecisionKind.Promote or RolloutDecisionKind.Halt)
            {
                await lifecycle.ApplyRolloutDecisionAsync(policy, decision, ct);
                logger.LogInformation("Patch policy {PolicyId}: {Reason}", policy.Id, decision.Reason);
                return decision;
            }

            var lastRingReached = policy.Definition.Rollout.IsLastRing(policy.RingIndex) && policy.RolloutPhase == RolloutPhase.Running;
            if (lastRingReached && progress.TargetedDevices > 0 && progress.CompliantDevices == progress.TargetedDevices)
            {
                await lifecycle.CompleteAsync(policy, progress.TargetedDevices, ct);
                return decision with { Reason = "Completed: every targeted device runs the required versions." };
            }
        }
        catch (PatchingRuleException)
        {
            // Another instance (or a person) changed the policy since we read it; the next round sees the new state.
            logger.LogDebug("Patch policy {PolicyId} changed while being evaluated; skipped this round.", policy.Id);
        }

        return null;
    }
}

/// <summary>
/// Runs the supervisor once a minute (<c>Patching:RolloutSupervisionSeconds</c>) across all portal instances (cluster
/// singleton work). Tests that call <see cref="RolloutSupervisor.EvaluateAsync"/> themselves set it long, so a periodic
/// round cannot halt a rollout in the middle of what they check.
/// </summary>
internal sealed class RolloutSupervisorService(RolloutSupervisor supervisor, IConfiguration configuration) : ISingletonWork
{
    public string Name => "patching.rollout-supervisor";

    public TimeSpan Interval { get; } = TimeSpan.FromSeconds(Math.Max(1, configuration.GetValue("Patching:RolloutSupervisionSeconds", 60)));

    // A failure is logged by the runner, and the next minute tries again: a database hiccup never stops rollouts for good.
    public Task RunAsync(CancellationToken ct) => supervisor.EvaluateAsync(ct);
}
