using System.Data.Common;
using AdminPortal.Features.Audit;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using Dapper;

namespace AdminPortal.Features.Patching;

/// <summary>
/// Every change to a policy: draft → pending approval → active → paused / completed / retired. Each change checks the
/// person's role in the policy's merchant, moves the state only from the state it expects (so two people clicking at once
/// cannot both win), and writes its audit row in the same transaction.
/// </summary>
public sealed class PatchPolicyLifecycle(
    IDbConnectionFactory db, PatchPolicyQueries queries, IAuditLog audit, IPolicyActivationStepUp stepUp, TimeProvider clock)
{
    private const string What = "The patch policy";

    public async Task<Guid> CreateDraftAsync(AccessScope scope, PatchingActor actor, Guid merchantId, string name, PolicyDefinition definition, CancellationToken ct = default)
    {
        ScopeSql.RequireOwner(scope, merchantId, "The merchant");
        Validate(name, definition);
        var id = Guid.NewGuid();
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO patch_policies (merchant_id, id, name, status, definition, created_by_id, created_by_name, edited_by_id, edited_by_name,
                                        ring_index, rollout_phase, created_at, updated_at, row_version)
            VALUES (@merchantId, @id, @name, @status, @definition, @actorId, @actorName, @actorId, @actorName, 0, @running, @now, @now, 1)
            """,
            new { merchantId, id, name = name.Trim(), status = (int)PolicyStatus.Draft, definition, actorId = actor.Id, actorName = actor.Name, running = (int)RolloutPhase.Running, now },
            transaction, cancellationToken: ct));
        await AuditAsync(connection, transaction, actor, merchantId, id, "policy.created", $"Created draft patch policy \"{name.Trim()}\" ({Describe(definition)}).", ct);
        await transaction.CommitAsync(ct);
        return id;
    }

    public async Task UpdateDraftAsync(AccessScope scope, PatchingActor actor, Guid id, int expectedRowVersion, string name, PolicyDefinition definition, CancellationToken ct = default)
    {
        var policy = await RequireAsync(scope, id, ct);
        Validate(name, definition);
        await TransitionAsync(policy, actor, PolicyStatus.Draft, PolicyStatus.Draft, expectedRowVersion,
            "name = @name, definition = @definition, edited_by_id = @actorId, edited_by_name = @actorName",
            new { name = name.Trim(), definition }, "policy.updated", $"Edited draft patch policy \"{name.Trim()}\" ({Describe(definition)}).", ct);
    }

    public async Task SubmitForApprovalAsync(AccessScope scope, PatchingActor actor, Guid id, CancellationToken ct = default)
    {
        var policy = await RequireAsync(scope, id, ct);
        Validate(policy.Name, policy.Definition);
        await TransitionAsync(policy, actor, PolicyStatus.Draft, PolicyStatus.PendingApproval, policy.RowVersion,
            "submitted_by_id = @actorId, submitted_by_name = @actorName, submitted_at = @now, status_reason = NULL", null,
            "policy.submitted", $"Submitted patch policy \"{policy.Name}\" for approval.", ct);
    }

    /// <summary>The approver (or the author, to withdraw it) sends a pending policy back to draft with a reason.</summary>
    public async Task ReturnToDraftAsync(AccessScope scope, PatchingActor actor, Guid id, string reason, CancellationToken ct = default)
    {
        var policy = await RequireAsync(scope, id, ct);
        var why = RequireReason(reason);
        await TransitionAsync(policy, actor, PolicyStatus.PendingApproval, PolicyStatus.Draft, policy.RowVersion,
            "submitted_by_id = NULL, submitted_by_name = NULL, submitted_at = NULL, status_reason = @why", new { why },
            "policy.returned", $"Returned patch policy \"{policy.Name}\" to draft: {why}", ct);
    }

    /// <summary>
    /// Approves and activates a pending policy. Four-eyes: refused (and the refusal audited) when the approver wrote,
    /// edited or submitted it. Then step-up: refused unless the approver just confirmed with their authenticator.
    /// </summary>
    public async Task ApproveAndActivateAsync(AccessScope scope, PatchingActor actor, Guid id, CancellationToken ct = default)
    {
        var policy = await RequireAsync(scope, id, ct);
        if (policy.Status != PolicyStatus.PendingApproval)
        {
            throw new PatchingRuleException($"Only a policy pending approval can be approved; this one is {policy.Status.Label().ToLowerInvariant()}.");
        }

        if (!policy.MayBeApprovedBy(actor))
        {
            await audit.RecordAsync(Event(actor, policy.MerchantId, policy.Id, "policy.approval-refused",
                $"Refused approval of patch policy \"{policy.Name}\": the approver must be a second person, not its author.") with { Outcome = AuditOutcome.Denied }, ct);
            throw new PatchingRuleException("A second person must approve: you created, edited or submitted this policy.");
        }

        await RequireStepUpAsync(actor, policy, ct);
        var now = clock.GetUtcNow();
        await TransitionAsync(policy, actor, PolicyStatus.PendingApproval, PolicyStatus.Active, policy.RowVersion,
            "approved_by_id = @actorId, approved_by_name = @actorName, activated_at = @now, ring_index = 0, ring_started_at = @now, " +
            "rollout_phase = @running, halt_reason = NULL, outcomes_since = @now, status_reason = NULL",
            new { running = (int)RolloutPhase.Running }, "policy.activated",
            $"Approved and activated patch policy \"{policy.Name}\" (authored by {policy.EditedByName}); rollout starts at ring 1 ({policy.Definition.Rollout.PercentOf(0):0.##} %).", ct);
    }

    public async Task PauseAsync(AccessScope scope, PatchingActor actor, Guid id, string reason, CancellationToken ct = default)
    {
        var policy = await RequireAsync(scope, id, ct);
        var why = RequireReason(reason);
        await TransitionAsync(policy, actor, PolicyStatus.Active, PolicyStatus.Paused, policy.RowVersion, "status_reason = @why", new { why },
            "policy.paused", $"Paused patch policy \"{policy.Name}\": {why}", ct);
    }

    /// <summary>Puts a paused policy back in force where its rollout stood; like activation it needs step-up.</summary>
    public async Task ResumeAsync(AccessScope scope, PatchingActor actor, Guid id, CancellationToken ct = default)
    {
        var policy = await RequireAsync(scope, id, ct);
        await RequireStepUpAsync(actor, policy, ct);
        await TransitionAsync(policy, actor, PolicyStatus.Paused, PolicyStatus.Active, policy.RowVersion, "status_reason = NULL", null,
            "policy.resumed", $"Resumed patch policy \"{policy.Name}\".", ct);
    }

    /// <summary>
    /// Restarts a halted rollout in the ring where it stopped. Failures count afresh from now (the person has dealt with
    /// the cause, e.g. a fixed release), and the ring soaks again. Step-up, as for activation.
    /// </summary>
    public async Task ResumeRolloutAsync(AccessScope scope, PatchingActor actor, Guid id, CancellationToken ct = default)
    {
        var policy = await RequireAsync(scope, id, ct);
        if (policy.RolloutPhase != RolloutPhase.Halted)
        {
            throw new PatchingRuleException("The rollout is not halted.");
        }

        await RequireStepUpAsync(actor, policy, ct);
        await TransitionAsync(policy, actor, PolicyStatus.Active, PolicyStatus.Active, policy.RowVersion,
            "rollout_phase = @running, halt_reason = NULL, ring_started_at = @now, outcomes_since = @now", new { running = (int)RolloutPhase.Running },
            "policy.rollout-resumed", $"Resumed the halted rollout of patch policy \"{policy.Name}\" in ring {policy.RingIndex + 1} (was: {policy.HaltReason}).", ct);
    }

    public async Task RetireAsync(AccessScope scope, PatchingActor actor, Guid id, string reason, CancellationToken ct = default)
    {
        var policy = await RequireAsync(scope, id, ct);
        var why = RequireReason(reason);
        if (policy.Status == PolicyStatus.Retired)
        {
            throw new PatchingRuleException("The policy is already retired.");
        }

        await TransitionAsync(policy, actor, policy.Status, PolicyStatus.Retired, policy.RowVersion, "status_reason = @why", new { why },
            "policy.retired", $"Retired patch policy \"{policy.Name}\" (was {policy.Status.Label().ToLowerInvariant()}): {why}", ct);
    }

    /// <summary>The supervisor records a rollout decision (promotion or halt) on an active policy.</summary>
    internal async Task ApplyRolloutDecisionAsync(PatchPolicy policy, RolloutDecision decision, CancellationToken ct = default)
    {
        var action = decision.Kind == RolloutDecisionKind.Halt ? "policy.rollout-halted" : "policy.rollout-promoted";
        await TransitionAsync(policy, PatchingActor.System, PolicyStatus.Active, PolicyStatus.Active, policy.RowVersion,
            "ring_index = @ringIndex, ring_started_at = @ringStartedAt, rollout_phase = @phase, halt_reason = @haltReason",
            new { ringIndex = decision.State.RingIndex, ringStartedAt = decision.State.RingStartedAt, phase = (int)decision.State.Phase, haltReason = decision.State.HaltReason },
            action, $"Patch policy \"{policy.Name}\": {decision.Reason}", ct,
            decision.Kind == RolloutDecisionKind.Halt ? AuditOutcome.Failure : AuditOutcome.Success);
    }

    /// <summary>The supervisor marks a fully rolled-out policy whose every targeted device is compliant as completed.</summary>
    internal async Task CompleteAsync(PatchPolicy policy, int devices, CancellationToken ct = default) =>
        await TransitionAsync(policy, PatchingActor.System, PolicyStatus.Active, PolicyStatus.Completed, policy.RowVersion, "", null,
            "policy.completed", $"Completed patch policy \"{policy.Name}\": all {devices} targeted devices run the required versions.", ct);

    private async Task RequireStepUpAsync(PatchingActor actor, PatchPolicy policy, CancellationToken ct)
    {
        if (!await stepUp.IsFreshAsync(actor, ct))
        {
            await audit.RecordAsync(Event(actor, policy.MerchantId, policy.Id, "policy.step-up-required",
                $"Refused to put patch policy \"{policy.Name}\" in force without a fresh security-key confirmation.") with { Outcome = AuditOutcome.Denied }, ct);
            throw new StepUpRequiredException();
        }
    }

    private async Task<PatchPolicy> RequireAsync(AccessScope scope, Guid id, CancellationToken ct)
    {
        var policy = await queries.GetAsync(scope, id, ct) ?? throw new PatchingNotFoundException(What);
        ScopeSql.RequireOwner(scope, policy.MerchantId, What);
        return policy;
    }

    private async Task TransitionAsync(PatchPolicy policy, PatchingActor actor, PolicyStatus from, PolicyStatus to, int expectedRowVersion,
        string setClause, object? values, string action, string summary, CancellationToken ct, AuditOutcome outcome = AuditOutcome.Success)
    {
        if (policy.Status != from)
        {
            throw new PatchingRuleException(
                $"This needs a policy that is {from.Label().ToLowerInvariant()}; \"{policy.Name}\" is {policy.Status.Label().ToLowerInvariant()}.");
        }

        var parameters = new DynamicParameters(values);
        parameters.AddDynamicParams(new
        {
            merchantId = policy.MerchantId, id = policy.Id, from = (int)from, to = (int)to, expectedRowVersion,
            actorId = actor.Id, actorName = actor.Name, now = clock.GetUtcNow(),
        });
        var set = string.IsNullOrEmpty(setClause) ? "" : setClause + ", ";
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE patch_policies SET {set}status = @to, updated_at = @now, row_version = row_version + 1
            WHERE merchant_id = @merchantId AND id = @id AND status = @from AND row_version = @expectedRowVersion
            """, parameters, transaction, cancellationToken: ct));
        if (changed == 0)
        {
            throw new PatchingRuleException("Someone else changed this policy a moment ago. Reload it and try again.");
        }

        await AuditAsync(connection, transaction, actor, policy.MerchantId, policy.Id, action, summary, ct, outcome);
        await transaction.CommitAsync(ct);
        // The check-in's cached list of policies in force: the next terminal's answer must reflect this change.
        queries.ForgetInForce(policy.MerchantId);
    }

    private Task AuditAsync(DbConnection connection, DbTransaction transaction, PatchingActor actor, Guid merchantId, Guid policyId,
        string action, string summary, CancellationToken ct, AuditOutcome outcome = AuditOutcome.Success) =>
        audit.RecordAsync(Event(actor, merchantId, policyId, action, summary) with { Outcome = outcome }, connection, transaction, ct);

    private static AuditEvent Event(PatchingActor actor, Guid merchantId, Guid policyId, string action, string summary) => new()
    {
        Category = "patching",
        Action = action,
        Summary = summary,
        ActorId = actor.Id,
        ActorName = actor.Name,
        MerchantId = merchantId,
        TargetType = "patch-policy",
        TargetId = policyId.ToString(),
    };

    private static void Validate(string name, PolicyDefinition definition)
    {
        var problems = PolicyValidation.Validate(name, definition);
        if (problems.Count > 0)
        {
            throw new PatchingValidationException(problems);
        }
    }

    private static string RequireReason(string? reason) =>
        string.IsNullOrWhiteSpace(reason)
            ? throw new PatchingValidationException([new ValidationProblem("Reason", "Say why, for the audit log.")])
            : reason.Trim().Length > 500 ? reason.Trim()[..500] : reason.Trim();

    private static string Describe(PolicyDefinition d) =>
        $"{d.Target.Describe()}; " + string.Join(", ", d.Requirements.Select(r => $"{r.Component.Label()} ≥ {r.MinimumVersion}")) +
        $"; rings {string.Join("→", d.Rollout.RingPercents.Select(p => p.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)))} %" +
        $"; deadline {d.Deadline:yyyy-MM-dd}; grace {d.GraceDays} d; overdue: {d.OverdueAction.Label().ToLowerInvariant()}";
}
