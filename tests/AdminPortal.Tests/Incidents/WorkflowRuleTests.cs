using AdminPortal.Features.Incidents;
using AdminPortal.Features.Merchants.Access;

namespace AdminPortal.Tests.Incidents;

public sealed class WorkflowRuleTests
{
    private static readonly Guid Merchant = Guid.NewGuid();

    private static AccessScope As(MerchantRole role) => new(Guid.NewGuid(), false, [new MerchantGrant(Merchant, role)]);

    [Fact]
    public void The_phases_follow_NIST_and_close_from_triage_onward_and_reopen_into_triage()
    {
        Assert.Equal([IncidentStatus.Triage], IncidentWorkflow.NextStatuses(IncidentStatus.New));
        Assert.Equal([IncidentStatus.Containment, IncidentStatus.Closed], IncidentWorkflow.NextStatuses(IncidentStatus.Triage));
        Assert.Equal([IncidentStatus.Eradication, IncidentStatus.Closed], IncidentWorkflow.NextStatuses(IncidentStatus.Containment));
        Assert.Equal([IncidentStatus.Recovery, IncidentStatus.Closed], IncidentWorkflow.NextStatuses(IncidentStatus.Eradication));
        Assert.Equal([IncidentStatus.Closed], IncidentWorkflow.NextStatuses(IncidentStatus.Recovery));
        Assert.Equal([IncidentStatus.Triage], IncidentWorkflow.NextStatuses(IncidentStatus.Closed));
    }

    [Theory]
    [InlineData(MerchantRole.SupportAgent, IncidentStatus.New, new[] { IncidentStatus.Triage })]
    [InlineData(MerchantRole.SupportAgent, IncidentStatus.Closed, new[] { IncidentStatus.Triage })]
    [InlineData(MerchantRole.Owner, IncidentStatus.New, new IncidentStatus[0])]
    [InlineData(MerchantRole.Owner, IncidentStatus.Recovery, new IncidentStatus[0])]
    [InlineData(MerchantRole.Owner, IncidentStatus.Closed, new[] { IncidentStatus.Triage })]
    [InlineData(MerchantRole.ComplianceOfficer, IncidentStatus.Triage, new IncidentStatus[0])]
    [InlineData(MerchantRole.ComplianceOfficer, IncidentStatus.Closed, new IncidentStatus[0])]
    public void Each_role_may_make_only_its_transitions(MerchantRole role, IncidentStatus from, IncidentStatus[] allowed) =>
        Assert.Equal(allowed, IncidentWorkflow.AllowedTransitions(As(role), Merchant, from));

    [Fact]
    public void Platform_admins_run_every_merchants_workflow_and_nobody_acts_in_a_merchant_outside_their_scope()
    {
        var admin = AccessScope.PlatformAdmin(Guid.NewGuid());
        Assert.Equal([IncidentStatus.Containment, IncidentStatus.Closed], IncidentWorkflow.AllowedTransitions(admin, Guid.NewGuid(), IncidentStatus.Triage));
        Assert.Empty(IncidentWorkflow.AllowedTransitions(As(MerchantRole.SupportAgent), Guid.NewGuid(), IncidentStatus.New));
        Assert.False(IncidentWorkflow.CanParticipate(As(MerchantRole.Owner), Guid.NewGuid()));
        Assert.False(IncidentWorkflow.CanParticipate(AccessScope.Nobody, Merchant));
    }

    [Fact]
    public void Closing_needs_both_fields_and_reopening_needs_a_reason()
    {
        var agent = As(MerchantRole.SupportAgent);
        Assert.Equal("Closing needs a resolution summary and a root cause.",
            IncidentWorkflow.Refusal(agent, Merchant, IncidentStatus.Recovery, IncidentStatus.Closed, "Fixed", null, null));
        Assert.Null(IncidentWorkflow.Refusal(agent, Merchant, IncidentStatus.Recovery, IncidentStatus.Closed, "Fixed", "Weak password", null));
        Assert.Equal("Say why the incident is reopened.",
            IncidentWorkflow.Refusal(As(MerchantRole.Owner), Merchant, IncidentStatus.Closed, IncidentStatus.Triage, null, null, " "));
        Assert.Equal("Only the merchant's support agents and platform admins move an incident through its phases.",
            IncidentWorkflow.Refusal(As(MerchantRole.Owner), Merchant, IncidentStatus.New, IncidentStatus.Triage, null, null, null));
    }
}
