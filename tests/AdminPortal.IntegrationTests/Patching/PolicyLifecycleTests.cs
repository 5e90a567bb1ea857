using AdminPortal.Features.Audit;
using AdminPortal.Features.Patching;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using static AdminPortal.IntegrationTests.Patching.PatchingTestBed;

namespace AdminPortal.IntegrationTests.Patching;

public sealed class PolicyLifecycleTests
{
    [Theory, BothDatabases]
    public async Task Draft_is_submitted_then_approved_by_a_second_person_and_every_step_is_audited(DatabaseProvider provider)
    {
        await using var bed = await CreateAsync(provider);
        var alice = bed.OwnerOf(bed.Bakery, Alice);
        var id = await bed.Lifecycle.CreateDraftAsync(alice, Alice, bed.Bakery.Id, "  March OS patch ", bed.Definition());
        var draft = await bed.PolicyAsync(id);
        Assert.Equal(PolicyStatus.Draft, draft.Status);
        Assert.Equal("March OS patch", draft.Name);
        Assert.Equal(bed.Definition(), draft.Definition with { }, new DefinitionComparer());

        await bed.Lifecycle.SubmitForApprovalAsync(alice, Alice, id);
        bed.Clock.Advance(TimeSpan.FromHours(1));
        await bed.Lifecycle.ApproveAndActivateAsync(bed.OwnerOf(bed.Bakery, Bob), Bob, id);

        var active = await bed.PolicyAsync(id);
        Assert.Equal(PolicyStatus.Active, active.Status);
        Assert.Equal(Bob.Id, active.ApprovedById);
        Assert.Equal(Alice.Id, active.SubmittedById);
        Assert.Equal(bed.Clock.GetUtcNow(), active.ActivatedAt);
        Assert.Equal(0, active.RingIndex);
        Assert.Equal(bed.Clock.GetUtcNow(), active.RingStartedAt);
        Assert.Equal(RolloutPhase.Running, active.RolloutPhase);
        Assert.Equal([Bob], bed.StepUp.Asked);

        var audit = await bed.AuditOfAsync(bed.Bakery);
        Assert.Equal(["policy.activated", "policy.submitted", "policy.created"], audit.Select(a => a.Action));
        Assert.All(audit, a => Assert.Equal(bed.Bakery.Id, a.MerchantId));
        Assert.All(audit, a => Assert.Equal(id.ToString(), a.TargetId));
        Assert.Equal("Bob Approver", audit[0].ActorName);
        Assert.True((await bed.Audit.VerifyAsync()).Intact);
    }

    [Theory, BothDatabases]
    public async Task The_author_cannot_approve_their_own_policy_and_the_refusal_is_audited(DatabaseProvider provider)
    {
        await using var bed = await CreateAsync(provider);
        var id = await bed.PendingPolicyAsync(bed.Bakery);

        var refusal = await Assert.ThrowsAsync<PatchingRuleException>(() =>
            bed.Lifecycle.ApproveAndActivateAsync(bed.OwnerOf(bed.Bakery, Alice), Alice, id));

        Assert.Contains("second person", refusal.Message);
        Assert.Equal(PolicyStatus.PendingApproval, (await bed.PolicyAsync(id)).Status);
        Assert.Empty(bed.StepUp.Asked); // refused before anyone is asked for their key
        var denied = (await bed.AuditOfAsync(bed.Bakery))[0];
        Assert.Equal("policy.approval-refused", denied.Action);
        Assert.Equal(AuditOutcome.Denied, denied.Outcome);
        Assert.Equal(Alice.Id, denied.ActorId);
    }

    [Theory, BothDatabases]
    public async Task Whoever_edited_or_submitted_the_version_cannot_approve_it_even_as_platform_admin(DatabaseProvider provider)
    {
        await using var bed = await CreateAsync(provider);
        var id = await bed.Lifecycle.CreateDraftAsync(bed.OwnerOf(bed.Bakery, Alice), Alice, bed.Bakery.Id, "Firmware", bed.Definition());
        var draft = await bed.PolicyAsync(id);
        // Carol, a platform admin, edits Alice's draft; Alice submits. Neither may approve; Bob may.
        await bed.Lifecycle.UpdateDraftAsync(Admin(Carol), Carol, id, draft.RowVersion, "Firmware", bed.Definition(minimumOs: "13.3"));
        await bed.Lifecycle.SubmitForApprovalAsync(bed.OwnerOf(bed.Bakery, Alice), Alice, id);

        await Assert.ThrowsAsync<PatchingRuleException>(() => bed.Lifecycle.ApproveAndActivateAsync(Admin(Carol), Carol, id));
        await Assert.ThrowsAsync<PatchingRuleException>(() => bed.Lifecycle.ApproveAndActivateAsync(Admin(Alice), Alice, id));
        await bed.Lifecycle.ApproveAndActivateAsync(bed.OwnerOf(bed.Bakery, Bob), Bob, id);

        var active = await bed.PolicyAsync(id);
        Assert.Equal(PolicyStatus.Active, active.Status);
        Assert.Equal("13.3", active.Definition.Requirements[0].MinimumVersion);
        Assert.Equal(Carol.Id, active.EditedById);
    }

    [Theory, BothDatabases]
    public async Task Activation_without_a_fresh_step_up_is_refused(DatabaseProvider provider)
    {
        await using var bed = await CreateAsync(provider);
        var id = await bed.PendingPolicyAsync(bed.Bakery);
        bed.StepUp.Fresh = false;

        await Assert.ThrowsAsync<StepUpRequiredException>(() => bed.Lifecycle.ApproveAndActivateAsync(bed.OwnerOf(bed.Bakery, Bob), Bob, id));

        Assert.Equal(PolicyStatus.PendingApproval, (await bed.PolicyAsync(id)).Status);
        var denied = (await bed.AuditOfAsync(bed.Bakery))[0];
        Assert.Equal(("policy.step-up-required", AuditOutcome.Denied), (denied.Action, denied.Outcome));
    }

    [Theory, BothDatabases]
    public async Task Only_drafts_change_and_a_stale_edit_is_refused(DatabaseProvider provider)
    {
        await using var bed = await CreateAsync(provider);
        var alice = bed.OwnerOf(bed.Bakery, Alice);
        var id = await bed.Lifecycle.CreateDraftAsync(alice, Alice, bed.Bakery.Id, "Draft", bed.Definition());
        var original = await bed.PolicyAsync(id);
        await bed.Lifecycle.UpdateDraftAsync(alice, Alice, id, original.RowVersion, "Draft v2", bed.Definition(minimumOs: "14"));

        var stale = await Assert.ThrowsAsync<PatchingRuleException>(() =>
            bed.Lifecycle.UpdateDraftAsync(alice, Alice, id, original.RowVersion, "Draft v3", bed.Definition()));
        Assert.Contains("Someone else changed", stale.Message);

        await bed.Lifecycle.SubmitForApprovalAsync(alice, Alice, id);
        var pending = await bed.PolicyAsync(id);
        await Assert.ThrowsAsync<PatchingRuleException>(() =>
            bed.Lifecycle.UpdateDraftAsync(alice, Alice, id, pending.RowVersion, "Sneaky edit after submission", bed.Definition(minimumOs: "1")));

        await Assert.ThrowsAsync<PatchingValidationException>(() => bed.Lifecycle.ReturnToDraftAsync(bed.OwnerOf(bed.Bakery, Bob), Bob, id, "  "));
        await bed.Lifecycle.ReturnToDraftAsync(bed.OwnerOf(bed.Bakery, Bob), Bob, id, "Deadline too late for a critical fix");
        var returned = await bed.PolicyAsync(id);
        Assert.Equal(PolicyStatus.Draft, returned.Status);
        Assert.Equal("Deadline too late for a critical fix", returned.StatusReason);
        Assert.Null(returned.SubmittedById);
        Assert.Equal("Draft v2", returned.Name);
    }

    [Theory, BothDatabases]
    public async Task Active_policies_pause_resume_with_step_up_and_retire_with_a_reason(DatabaseProvider provider)
    {
        await using var bed = await CreateAsync(provider);
        var id = await bed.ActivePolicyAsync(bed.Bakery);
        var bob = bed.OwnerOf(bed.Bakery, Bob);

        await bed.Lifecycle.PauseAsync(bob, Bob, id, "Vendor recalled the build");
        Assert.Equal(PolicyStatus.Paused, (await bed.PolicyAsync(id)).Status);
        Assert.Empty(await bed.Queries.ListInForceAsync(bed.Bakery.Id));

        bed.StepUp.Fresh = false;
        await Assert.ThrowsAsync<StepUpRequiredException>(() => bed.Lifecycle.ResumeAsync(bob, Bob, id));
        bed.StepUp.Fresh = true;
        await bed.Lifecycle.ResumeAsync(bob, Bob, id);
        Assert.Single(await bed.Queries.ListInForceAsync(bed.Bakery.Id));

        await bed.Lifecycle.RetireAsync(bob, Bob, id, "Superseded by the April policy");
        var retired = await bed.PolicyAsync(id);
        Assert.Equal(PolicyStatus.Retired, retired.Status);
        await Assert.ThrowsAsync<PatchingRuleException>(() => bed.Lifecycle.RetireAsync(bob, Bob, id, "again"));
        await Assert.ThrowsAsync<PatchingRuleException>(() => bed.Lifecycle.PauseAsync(bob, Bob, id, "too late"));

        var actions = (await bed.AuditOfAsync(bed.Bakery)).Select(a => a.Action).ToList();
        Assert.Equal(["policy.retired", "policy.resumed", "policy.step-up-required", "policy.paused", "policy.activated", "policy.submitted", "policy.created"], actions);
    }

    [Theory, BothDatabases]
    public async Task Invalid_definitions_are_refused_with_the_field_named(DatabaseProvider provider)
    {
        await using var bed = await CreateAsync(provider);
        var bad = bed.Definition(minimumOs: "13.x", rings: [5m, 1m]) with { GraceDays = -1 };

        var error = await Assert.ThrowsAsync<PatchingValidationException>(() =>
            bed.Lifecycle.CreateDraftAsync(bed.OwnerOf(bed.Bakery, Alice), Alice, bed.Bakery.Id, "", bad));

        Assert.Equal(["GraceDays", "Name", "Requirements", "Rings"], error.Problems.Select(p => p.Field).Distinct().Order());
        Assert.Empty((await bed.Queries.SearchAsync(Admin(Alice), new PolicyQuery())).Rows);
    }
}

/// <summary>Records with list members compare lists by reference: compare the JSON instead.</summary>
internal sealed class DefinitionComparer : IEqualityComparer<PolicyDefinition>
{
    public bool Equals(PolicyDefinition? x, PolicyDefinition? y) =>
        System.Text.Json.JsonSerializer.Serialize(x) == System.Text.Json.JsonSerializer.Serialize(y);

    public int GetHashCode(PolicyDefinition obj) => 0;
}

public sealed class PolicyConcurrencyTests
{
    [Theory, BothDatabases]
    public async Task Two_people_acting_at_once_cannot_both_win(DatabaseProvider provider)
    {
        await using var bed = await PatchingTestBed.CreateAsync(provider);
        var id = await bed.PendingPolicyAsync(bed.Bakery);
        var bob = bed.OwnerOf(bed.Bakery, PatchingTestBed.Bob);
        var carol = bed.OwnerOf(bed.Bakery, PatchingTestBed.Carol);

        // Bob approves while Carol returns it to draft: one of them must find the policy already changed.
        var outcomes = await Task.WhenAll(
            Attempt(() => bed.Lifecycle.ApproveAndActivateAsync(bob, PatchingTestBed.Bob, id)),
            Attempt(() => bed.Lifecycle.ReturnToDraftAsync(carol, PatchingTestBed.Carol, id, "Wrong deadline")));

        Assert.Single(outcomes, o => o is null);
        Assert.IsType<PatchingRuleException>(Assert.Single(outcomes, o => o is not null));
        var policy = await bed.PolicyAsync(id);
        Assert.Contains(policy.Status, new[] { PolicyStatus.Active, PolicyStatus.Draft });
        Assert.Single(await bed.AuditOfAsync(bed.Bakery), a => a.Action is "policy.activated" or "policy.returned");
    }

    private static async Task<Exception?> Attempt(Func<Task> action)
    {
        try
        {
            await action();
            return null;
        }
        catch (PatchingRuleException error)
        {
            return error;
        }
    }
}
