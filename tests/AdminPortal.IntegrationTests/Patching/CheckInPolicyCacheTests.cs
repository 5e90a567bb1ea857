using System.Text.Json;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Features.Patching;
using AdminPortal.Infrastructure.Database;
using AdminPortal.IntegrationTests.Devices;
using AdminPortal.Testing;

namespace AdminPortal.IntegrationTests.Patching;

/// <summary>
/// The check-in keeps each merchant's policies in force in memory: a terminal that checked in just before a policy
/// changed (so the merchant's list was cached) must see the change on its very next check-in.
/// </summary>
public sealed class CheckInPolicyCacheTests
{
    [Theory, BothDatabases]
    public async Task Activating_and_pausing_a_policy_reach_the_next_check_in_although_the_list_was_cached(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var terminal = await api.EnrollAsync("SN-CACHE");
        Assert.True(IsNone((await terminal.CheckInAsync()).PatchPolicy));

        var policyId = await SimulatedRolloutTests.ActivateUnderFourEyesAsync(api, new PolicyDefinition(
            PolicyTarget.Everything, [new ComponentRequirement(PatchComponent.Os, "12.0")], MaintenanceWindow.Anytime,
            new RolloutPlan([100m], TimeSpan.FromHours(24), 5m), DateTimeOffset.UtcNow.AddDays(30), GraceDays: 7, OverdueAction.Notify));
        var whileActive = (await terminal.CheckInAsync()).PatchPolicy;

        var owner = await api.Portal.CreatePersonAsync("carol@cache.example");
        await api.Portal.GrantRoleAsync(api.Merchant.Id, owner.Id, MerchantRole.Owner);
        var principal = await api.Portal.SignedInPrincipalAsync(owner, freshStepUp: true);
        var scope = await api.Portal.GetService<IAccessScopeProvider>().GetAsync(principal);
        await api.Portal.GetService<PatchPolicyLifecycle>().PauseAsync(scope, PatchingActor.From(principal), policyId, "Vendor recalled the build");
        var whilePaused = (await terminal.CheckInAsync()).PatchPolicy;

        Assert.Equal(policyId, Assert.IsType<JsonElement>(whileActive).GetProperty("policyId").GetGuid());
        Assert.True(IsNone(whilePaused));
    }

    private static bool IsNone(object? policy) => policy is null or JsonElement { ValueKind: JsonValueKind.Null };
}
