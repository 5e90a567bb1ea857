using AdminPortal.Features.Incidents;

namespace AdminPortal.Tests.Incidents;

public sealed class SlaArithmeticTests
{
    private static readonly DateTimeOffset Opened = new(2026, 5, 4, 22, 50, 0, TimeSpan.Zero);
    private static readonly IncidentOptions Defaults = new();

    private static Incident Open(IncidentSeverity severity, DateTimeOffset? acknowledged = null, DateTimeOffset? closed = null)
    {
        var deadlines = SlaDeadlines.For(Defaults, severity, Opened);
        return new Incident
        {
            Severity = severity, OpenedAt = Opened, AcknowledgedAt = acknowledged, ClosedAt = closed,
            Status = closed is null ? IncidentStatus.Triage : IncidentStatus.Closed,
            AcknowledgeDueAt = deadlines.AcknowledgeDueAt, ResolveDueAt = deadlines.ResolveDueAt,
            AcknowledgeWarnAt = deadlines.AcknowledgeWarnAt, ResolveWarnAt = deadlines.ResolveWarnAt,
        };
    }

    [Theory]
    [InlineData(IncidentSeverity.Sev1, 15, 4 * 60)]
    [InlineData(IncidentSeverity.Sev2, 60, 24 * 60)]
    [InlineData(IncidentSeverity.Sev3, 4 * 60, 3 * 24 * 60)]
    [InlineData(IncidentSeverity.Sev4, 24 * 60, 10 * 24 * 60)]
    public void Deadlines_are_the_severitys_targets_after_opening_across_midnight_and_month_ends(IncidentSeverity severity, int acknowledgeMinutes, int resolveMinutes)
    {
        var deadlines = SlaDeadlines.For(Defaults, severity, Opened);
        Assert.Equal(Opened.AddMinutes(acknowledgeMinutes), deadlines.AcknowledgeDueAt);
        Assert.Equal(Opened.AddMinutes(resolveMinutes), deadlines.ResolveDueAt);
        Assert.Equal(Opened.AddMinutes(acknowledgeMinutes * 0.75), deadlines.AcknowledgeWarnAt);
    }

    [Fact]
    public void A_SEV1_timer_runs_on_track_then_breaching_soon_then_breached()
    {
        var incident = Open(IncidentSeverity.Sev1);
        var ack = (int minutes) => SlaClock.Acknowledge(incident, Opened.AddMinutes(minutes));

        Assert.Equal((SlaState.OnTrack, TimeSpan.FromMinutes(15)), (ack(0).State, ack(0).Remaining));
        Assert.Equal(SlaState.OnTrack, ack(11).State);
        Assert.Equal((SlaState.BreachingSoon, TimeSpan.FromMinutes(3)), (ack(12).State, ack(12).Remaining));
        Assert.Equal(SlaState.Breached, ack(15).State);
        Assert.Equal(TimeSpan.FromMinutes(-5), ack(20).Remaining);
        Assert.True(SlaClock.IsAcknowledgeBreached(incident, Opened.AddMinutes(15)));
        Assert.False(SlaClock.IsAcknowledgeBreached(incident, Opened.AddMinutes(14).AddSeconds(59)));
        Assert.Equal(SlaState.Breached, SlaClock.Overall(incident, Opened.AddMinutes(16)));
    }

    [Fact]
    public void A_timer_stops_when_its_goal_is_reached_met_or_missed()
    {
        var inTime = Open(IncidentSeverity.Sev1, acknowledged: Opened.AddMinutes(9));
        var late = Open(IncidentSeverity.Sev1, acknowledged: Opened.AddMinutes(20), closed: Opened.AddHours(5));
        var later = Opened.AddDays(3);

        Assert.Equal((SlaState.Met, TimeSpan.FromMinutes(6)), (SlaClock.Acknowledge(inTime, later).State, SlaClock.Acknowledge(inTime, later).Remaining));
        Assert.False(SlaClock.IsAcknowledgeBreached(inTime, later));
        Assert.Equal(SlaState.Breached, SlaClock.Acknowledge(late, later).State);
        Assert.False(SlaClock.Acknowledge(late, later).IsRunning);
        Assert.Equal((SlaState.Breached, TimeSpan.FromHours(-1)), (SlaClock.Resolve(late, later).State, SlaClock.Resolve(late, later).Remaining));
        Assert.False(SlaClock.IsResolveBreached(late, later));
    }

    [Theory]
    [InlineData(42, "42 s")]
    [InlineData(125, "2 min 05 s")]
    [InlineData(3900, "1 h 05 min")]
    [InlineData(-3900, "1 h 05 min")]
    [InlineData(273600, "3 d 4 h")]
    public void Remaining_time_reads_in_the_largest_units(int seconds, string expected) =>
        Assert.Equal(expected, SlaClock.Format(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Misconfigured_targets_are_refused_with_the_setting_named()
    {
        Assert.Null(new IncidentOptions().Problem());
        Assert.Equal("Incidents:Sev2: Acknowledge and Resolve must be positive times such as 00:15:00.",
            new IncidentOptions { Sev2 = new SlaTarget { Acknowledge = TimeSpan.Zero, Resolve = TimeSpan.FromHours(1) } }.Problem());
        Assert.Equal("Incidents:Sev1: Acknowledge must not be longer than Resolve.",
            new IncidentOptions { Sev1 = new SlaTarget { Acknowledge = TimeSpan.FromHours(5), Resolve = TimeSpan.FromHours(4) } }.Problem());
        Assert.NotNull(new IncidentOptions { BreachingSoonShare = 1 }.Problem());
    }
}
