using AdminPortal.Features.Patching;

namespace AdminPortal.Tests.Patching;

public sealed class DeadlineTests
{
    private static readonly DateTimeOffset Released = new(2026, 2, 10, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_critical_release_is_due_within_one_month_pci_dss_6_3_3()
    {
        Assert.Equal(Released.AddDays(30), PatchDeadlines.DefaultDeadline(ReleaseSeverity.Critical, Released));
        Assert.True(PatchDeadlines.DefaultDays(ReleaseSeverity.High) > 30);
        Assert.True(PatchDeadlines.DefaultDays(ReleaseSeverity.Low) > PatchDeadlines.DefaultDays(ReleaseSeverity.Medium));
    }

    [Fact]
    public void Several_releases_take_the_earliest_default()
    {
        var deadline = PatchDeadlines.DefaultDeadline([(ReleaseSeverity.Low, Released), (ReleaseSeverity.Critical, Released.AddDays(5))]);
        Assert.Equal(Released.AddDays(35), deadline);
        Assert.Null(PatchDeadlines.DefaultDeadline([]));
    }

    [Fact]
    public void Stages_run_before_deadline_then_grace_then_overdue()
    {
        var deadline = Released.AddDays(30);
        Assert.Equal(DeadlineStage.BeforeDeadline, PatchDeadlines.StageAt(deadline, 7, deadline.AddTicks(-1)));
        Assert.Equal(DeadlineStage.InGrace, PatchDeadlines.StageAt(deadline, 7, deadline));
        Assert.Equal(DeadlineStage.InGrace, PatchDeadlines.StageAt(deadline, 7, deadline.AddDays(7).AddTicks(-1)));
        Assert.Equal(DeadlineStage.Overdue, PatchDeadlines.StageAt(deadline, 7, deadline.AddDays(7)));
        Assert.Equal(DeadlineStage.Overdue, PatchDeadlines.StageAt(deadline, 0, deadline));
    }

    [Fact]
    public void Latency_is_days_from_release_to_install_and_never_negative()
    {
        Assert.Equal(12.5, PatchDeadlines.LatencyDays(Released, Released.AddDays(12).AddHours(12)));
        Assert.Equal(0, PatchDeadlines.LatencyDays(Released, Released.AddDays(-1)));
    }
}
