using AdminPortal.Features.Patching;

namespace AdminPortal.Tests.Patching;

public sealed class MaintenanceWindowTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
    private static readonly TimeZoneInfo Seattle = TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles");
    private static readonly TimeZoneInfo Sydney = TimeZoneInfo.FindSystemTimeZoneById("Australia/Sydney");

    private static DateTimeOffset Utc(int y, int mo, int d, int h, int mi = 0) => new(y, mo, d, h, mi, 0, TimeSpan.Zero);

    private static MaintenanceWindow Every(int startHour, int endHour, int startMinute = 0) =>
        new(Enum.GetValues<DayOfWeek>(), new TimeOnly(startHour, startMinute), new TimeOnly(endHour, 0));

    [Fact]
    public void Follows_the_store_clock_in_winter_and_summer()
    {
        var window = Every(1, 5);
        // 14 Jan 2026: Berlin is UTC+1, so 01:00–05:00 local is 00:00–04:00 UTC.
        Assert.Equal(new WindowOccurrence(Utc(2026, 1, 14, 0), Utc(2026, 1, 14, 4)), window.OccurrenceOn(new DateOnly(2026, 1, 14), Berlin));
        // 15 Jul 2026: UTC+2, so 23:00 the day before to 03:00 UTC.
        Assert.Equal(new WindowOccurrence(Utc(2026, 7, 14, 23), Utc(2026, 7, 15, 3)), window.OccurrenceOn(new DateOnly(2026, 7, 15), Berlin));
    }

    [Fact]
    public void A_start_in_the_spring_forward_gap_opens_when_the_clock_jumps()
    {
        // 29 Mar 2026 02:00 CET the clocks go to 03:00 CEST: 02:00–04:00 local is one real hour, 01:00–02:00 UTC.
        var occurrence = Every(2, 4).OccurrenceOn(new DateOnly(2026, 3, 29), Berlin)!;
        Assert.Equal(Utc(2026, 3, 29, 1), occurrence.OpensAt);
        Assert.Equal(Utc(2026, 3, 29, 2), occurrence.ClosesAt);

        // 02:30 does not exist either: it opens at the jump as well.
        Assert.Equal(Utc(2026, 3, 29, 1), Every(2, 4, startMinute: 30).OccurrenceOn(new DateOnly(2026, 3, 29), Berlin)!.OpensAt);
    }

    [Fact]
    public void A_night_with_a_repeated_hour_lasts_an_hour_longer()
    {
        // 25 Oct 2026 03:00 CEST the clocks go back to 02:00 CET: 01:00–05:00 local spans five real hours.
        var occurrence = Every(1, 5).OccurrenceOn(new DateOnly(2026, 10, 25), Berlin)!;
        Assert.Equal(Utc(2026, 10, 24, 23), occurrence.OpensAt);
        Assert.Equal(Utc(2026, 10, 25, 4), occurrence.ClosesAt);
        Assert.Equal(TimeSpan.FromHours(5), occurrence.ClosesAt - occurrence.OpensAt);
    }

    [Fact]
    public void A_time_shown_twice_counts_the_first_time()
    {
        // 02:30 happens at 00:30 UTC (CEST) and again at 01:30 UTC (CET): the window opens at the first.
        var occurrence = Every(2, 5, startMinute: 30).OccurrenceOn(new DateOnly(2026, 10, 25), Berlin)!;
        Assert.Equal(Utc(2026, 10, 25, 0, 30), occurrence.OpensAt);
    }

    [Fact]
    public void United_states_changes_on_its_own_dates()
    {
        // US DST began 8 Mar 2026, Europe's on 29 Mar: in between New York is UTC-4 while Berlin still is UTC+1.
        var window = Every(1, 5);
        Assert.Equal(Utc(2026, 3, 20, 5), window.OccurrenceOn(new DateOnly(2026, 3, 20), NewYork)!.OpensAt);
        Assert.Equal(Utc(2026, 3, 20, 0), window.OccurrenceOn(new DateOnly(2026, 3, 20), Berlin)!.OpensAt);
        // The 1 Nov 2026 fall-back night in New York is 5 real hours long.
        var fallBack = window.OccurrenceOn(new DateOnly(2026, 11, 1), NewYork)!;
        Assert.Equal(TimeSpan.FromHours(5), fallBack.ClosesAt - fallBack.OpensAt);
    }

    [Fact]
    public void Southern_hemisphere_falls_back_in_april()
    {
        // Sydney leaves daylight time on 5 Apr 2026 at 03:00 AEDT (back to 02:00 AEST).
        var occurrence = Every(1, 5).OccurrenceOn(new DateOnly(2026, 4, 5), Sydney)!;
        Assert.Equal(TimeSpan.FromHours(5), occurrence.ClosesAt - occurrence.OpensAt);
        Assert.Equal(Utc(2026, 4, 4, 14), occurrence.OpensAt); // 01:00 AEDT = 14:00 UTC the day before
    }

    [Fact]
    public void One_instant_is_inside_the_window_in_london_and_outside_in_seattle()
    {
        var window = Every(1, 5);
        var instant = Utc(2026, 1, 14, 2); // 02:00 in London, 18:00 the day before in Seattle
        Assert.True(window.IsOpen(instant, London));
        Assert.False(window.IsOpen(instant, Seattle));
        Assert.Equal(Utc(2026, 1, 14, 9), window.CurrentOrNext(instant, Seattle)!.OpensAt); // 01:00 PST
    }

    [Fact]
    public void An_overnight_window_stays_open_past_midnight_into_the_next_weekday()
    {
        // Mondays 22:00 to 02:00 in New York; Tuesday 13 Jan 2026 01:00 EST is still Monday's window.
        var window = new MaintenanceWindow([DayOfWeek.Monday], new TimeOnly(22, 0), new TimeOnly(2, 0));
        var tuesdayOneAm = Utc(2026, 1, 13, 6);
        Assert.True(window.IsOpen(tuesdayOneAm, NewYork));
        var current = window.CurrentOrNext(tuesdayOneAm, NewYork)!;
        Assert.Equal(Utc(2026, 1, 13, 3), current.OpensAt);
        Assert.Equal(Utc(2026, 1, 13, 7), current.ClosesAt);
        Assert.False(window.IsOpen(Utc(2026, 1, 13, 7), NewYork)); // closing instant is outside
    }

    [Fact]
    public void The_next_opening_skips_to_the_chosen_weekday()
    {
        var saturdays = new MaintenanceWindow([DayOfWeek.Saturday], new TimeOnly(3, 0), new TimeOnly(6, 0));
        var wednesday = Utc(2026, 1, 14, 12);
        var next = saturdays.CurrentOrNext(wednesday, Berlin)!;
        Assert.Equal(Utc(2026, 1, 17, 2), next.OpensAt);
        Assert.False(saturdays.IsOpen(wednesday, Berlin));
    }

    [Fact]
    public void Anytime_is_always_open_and_no_day_never_opens()
    {
        Assert.True(MaintenanceWindow.Anytime.IsOpen(Utc(2026, 3, 29, 1, 30), Berlin));
        Assert.True(MaintenanceWindow.Anytime.IsAnytime);
        var never = new MaintenanceWindow([], new TimeOnly(1, 0), new TimeOnly(2, 0));
        Assert.Null(never.CurrentOrNext(Utc(2026, 1, 1, 0), Berlin));
    }

    [Fact]
    public void An_unknown_zone_falls_back_to_utc()
    {
        Assert.Equal(TimeZoneInfo.Utc, WallClock.FindZone("Mars/Olympus_Mons"));
        Assert.Equal(TimeZoneInfo.Utc, WallClock.FindZone(null));
        Assert.Equal("Europe/Berlin", WallClock.FindZone("Europe/Berlin").Id);
    }
}
