using AdminPortal.Features.Patching;

namespace AdminPortal.Tests.Patching;

public sealed class PolicyValidationTests
{
    private static readonly PolicyDefinition Valid = new(PolicyTarget.Everything, [new ComponentRequirement(PatchComponent.Os, "13.2")],
        MaintenanceWindow.Nightly, RolloutPlan.Standard, new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero), 7, OverdueAction.Notify);

    [Fact]
    public void A_complete_policy_has_no_problems() => Assert.Empty(PolicyValidation.Validate("March patch", Valid));

    [Theory]
    [InlineData("1, 5, 20, 100", new[] { 1.0, 5, 20, 100 })]
    [InlineData("1 → 5 → 100 %", new[] { 1.0, 5, 100 })]
    [InlineData("0.5,100", new[] { 0.5, 100 })]
    public void Reads_rings_as_people_type_them(string text, double[] expected)
    {
        Assert.True(PolicyValidation.TryParseRings(text, out var rings));
        Assert.Equal(expected.Select(e => (decimal)e), rings);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1, five, 100")]
    public void Refuses_rings_that_are_not_numbers(string text) => Assert.False(PolicyValidation.TryParseRings(text, out _));

    [Fact]
    public void Names_every_field_at_fault()
    {
        var bad = Valid with
        {
            Target = new PolicyTarget(false, [], [], []),
            Requirements = [new(PatchComponent.Os, "13"), new(PatchComponent.Os, "14")],
            Window = new MaintenanceWindow([], new TimeOnly(1, 0), new TimeOnly(2, 0)),
            Rollout = new RolloutPlan([50m, 20m], TimeSpan.FromDays(40), 0m),
            GraceDays = 91,
        };

        var fields = PolicyValidation.Validate(new string('x', 121), bad).Select(p => p.Field).Distinct().Order();

        Assert.Equal(["FailureThreshold", "GraceDays", "Name", "Requirements", "Rings", "Soak", "Target", "Window"], fields);
    }

    [Fact]
    public void Release_cve_and_model_lists_are_split_cleanly()
    {
        Assert.Equal(["CVE-2026-1234", "CVE-2026-99999"], ReleaseValidation.SplitCves(" cve-2026-1234, CVE-2026-99999\nCVE-2026-1234 "));
        Assert.Equal(["A920", "A920 Pro"], ReleaseValidation.SplitNames("A920, A920 Pro,,"));
    }
}
