namespace AdminPortal.Features.Patching;

/// <summary>One opening of a maintenance window, as UTC instants.</summary>
public sealed record WindowOccurrence(DateTimeOffset OpensAt, DateTimeOffset ClosesAt)
{
    public bool Contains(DateTimeOffset instant) => instant >= OpensAt && instant < ClosesAt;
}

/// <summary>
/// When terminals may install: on <see cref="Days"/> from <see cref="Start"/> to <see cref="End"/> on the wall clock of
/// the store's time zone. An <see cref="End"/> at or before <see cref="Start"/> runs past midnight into the next day
/// (equal times mean 24 hours). Wall-clock times across daylight-saving changes:
/// a time that does not exist (the spring-forward gap) happens when the clock jumps past it, so a 02:30 start on that
/// night opens at 03:00 local; a time that happens twice (fall-back) counts the first time the clock shows it.
/// </summary>
public sealed record MaintenanceWindow(IReadOnlyList<DayOfWeek> Days, TimeOnly Start, TimeOnly End)
{
    /// <summary>Every day, all day: installs are never held back.</summary>
    public static MaintenanceWindow Anytime { get; } = new(Enum.GetValues<DayOfWeek>(), TimeOnly.MinValue, TimeOnly.MinValue);

    /// <summary>Nights from 01:00 to 05:00 local, every day: the usual choice for shops closed overnight.</summary>
    public static MaintenanceWindow Nightly { get; } = new(Enum.GetValues<DayOfWeek>(), new TimeOnly(1, 0), new TimeOnly(5, 0));

    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsAnytime => Days.Distinct().Count() == 7 && Start == End;

    /// <summary>The occurrence open at <paramref name="now"/>, else the next one to open (null only when no day is chosen).</summary>
    public WindowOccurrence? CurrentOrNext(DateTimeOffset now, TimeZoneInfo zone)
    {
        if (Days.Count == 0)
        {
            return null;
        }

        var localToday = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        // Yesterday's occurrence may still be open (overnight windows); eight days ahead always reaches every weekday.
        for (var offset = -1; offset <= 8; offset++)
        {
            var occurrence = OccurrenceOn(localToday.AddDays(offset), zone);
            if (occurrence is not null && occurrence.ClosesAt > now)
            {
                return occurrence;
            }
        }

        return null;
    }

    public bool IsOpen(DateTimeOffset now, TimeZoneInfo zone) => CurrentOrNext(now, zone)?.Contains(now) == true;

    /// <summary>The occurrence that opens on local date <paramref name="date"/>, or null when that weekday is not chosen.</summary>
    public WindowOccurrence? OccurrenceOn(DateOnly date, TimeZoneInfo zone)
    {
        if (!Days.Contains(date.DayOfWeek))
        {
            return null;
        }

        var opens = date.ToDateTime(Start);
        var closes = (End > Start ? date : date.AddDays(1)).ToDateTime(End);
        return new WindowOccurrence(WallClock.ToInstant(opens, zone), WallClock.ToInstant(closes, zone));
    }

    public string Describe()
    {
        if (IsAnytime)
        {
            return "Any time";
        }

        var days = Days.Count == 7 ? "Every day" : string.Join(", ", Days.OrderBy(d => ((int)d + 6) % 7).Select(d => d.ToString()[..3]));
        return $"{days} {Start:HH\\:mm}–{End:HH\\:mm}";
    }
}

/// <summary>Turns a wall-clock time in a time zone into an instant, with the daylight-saving rules described on <see cref="MaintenanceWindow"/>.</summary>
public static class WallClock
{
    public static DateTimeOffset ToInstant(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            // In the gap: the answer is the instant of the jump, the first instant whose wall clock reads at or after
            // the wanted time. It lies between the readings with the offsets after and before the jump; gaps are at most
            // a few hours and transitions fall on whole minutes, so a minute-by-minute walk is short and exact.
            var instant = local - zone.GetUtcOffset(local.AddHours(12));
            var latest = local - zone.GetUtcOffset(local.AddHours(-12));
            while (instant < latest && TimeZoneInfo.ConvertTimeFromUtc(instant, zone) < local)
            {
                instant = instant.AddMinutes(1);
            }

            return new DateTimeOffset(DateTime.SpecifyKind(instant, DateTimeKind.Utc));
        }

        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local - offset, TimeSpan.Zero);
    }

    /// <summary>The store's zone; an unknown or empty id falls back to UTC rather than failing a check-in.</summary>
    public static TimeZoneInfo FindZone(string? ianaId)
    {
        if (!string.IsNullOrWhiteSpace(ianaId) && TimeZoneInfo.TryFindSystemTimeZoneById(ianaId, out var zone))
        {
            return zone;
        }

        return TimeZoneInfo.Utc;
    }
}
