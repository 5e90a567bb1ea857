using AdminPortal.Features.Patching;

namespace AdminPortal.Tests.Patching;

public sealed class DeviceComplianceTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);

    private static readonly PolicyDefinition Policy = new(PolicyTarget.Everything,
        [new ComponentRequirement(PatchComponent.Os, "13.2"), new ComponentRequirement(PatchComponent.Firmware, "2.4")],
        MaintenanceWindow.Anytime, RolloutPlan.Standard, Now.AddDays(5), 7, OverdueAction.Notify);

    private static DeviceSnapshot Device(string? os, string? firmware)
    {
        var versions = new Dictionary<PatchComponent, string>();
        if (os is not null)
        {
            versions[PatchComponent.Os] = os;
        }

        if (firmware is not null)
        {
            versions[PatchComponent.Firmware] = firmware;
        }

        return new DeviceSnapshot(Guid.NewGuid(), Guid.NewGuid(), null, "P400", [], versions, Now);
    }

    [Theory]
    [InlineData("13.2", "2.4", DeviceComplianceState.Compliant)]
    [InlineData("14", "2.10", DeviceComplianceState.Compliant)]
    [InlineData("13.1", "2.4", DeviceComplianceState.InRollout)]
    [InlineData(null, "2.4", DeviceComplianceState.Unknown)]
    [InlineData("13.1", null, DeviceComplianceState.Unknown)]
    public void Classifies_by_reported_versions(string? os, string? firmware, DeviceComplianceState expected) =>
        Assert.Equal(expected, DeviceComplianceRules.Evaluate(Policy, Device(os, firmware), [], Now));

    [Fact]
    public void A_failed_install_of_a_missing_component_marks_the_device_failed()
    {
        var device = Device("13.1", "2.4");
        LatestInstall[] failed = [new(PatchComponent.Os, "13.2", false, Now.AddHours(-1))];
        LatestInstall[] failedElsewhere = [new(PatchComponent.Firmware, "2.4", false, Now.AddHours(-1))];
        Assert.Equal(DeviceComplianceState.Failed, DeviceComplianceRules.Evaluate(Policy, device, failed, Now));
        Assert.Equal(DeviceComplianceState.InRollout, DeviceComplianceRules.Evaluate(Policy, device, failedElsewhere, Now));
    }

    [Fact]
    public void Past_the_deadline_a_behind_device_is_overdue_and_a_patched_one_compliant()
    {
        var later = Policy.Deadline;
        LatestInstall[] failed = [new(PatchComponent.Os, "13.2", false, Now)];
        Assert.Equal(DeviceComplianceState.Overdue, DeviceComplianceRules.Evaluate(Policy, Device("13.1", "2.4"), failed, later));
        Assert.Equal(DeviceComplianceState.Compliant, DeviceComplianceRules.Evaluate(Policy, Device("13.2", "2.4"), failed, later));
    }
}
