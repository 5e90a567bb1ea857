using AdminPortal.Features.Merchants;

namespace AdminPortal.Features.Fraud.Scoring;

/// <summary>What the rules need of a store, resolved once (time zone object, location) rather than per event.</summary>
public sealed class StoreProfile
{
    public StoreProfile(Store store)
    {
        StoreId = store.Id;
        Name = store.Name;
        OpeningHours = store.OpeningHours;
        Location = store.Latitude is { } lat && store.Longitude is { } lon ? new GeoPoint(lat, lon) : null;
        TimeZone = TimeZoneInfo.TryFindSystemTimeZoneById(store.TimeZone, out var zone) ? zone : null;
    }

    public Guid StoreId { get; }
    public string Name { get; }
    public OpeningHours? OpeningHours { get; }
    public GeoPoint? Location { get; }
    public TimeZoneInfo? TimeZone { get; }

    /// <summary>True when the store is open at <paramref name="at"/> (local time, with <paramref name="grace"/> either side).</summary>
    public bool IsOpenAt(DateTimeOffset at, TimeSpan grace, out DateTime localTime)
    {
        localTime = TimeZone is null ? at.UtcDateTime : TimeZoneInfo.ConvertTime(at, TimeZone).DateTime;
        if (OpeningHours is null || TimeZone is null)
        {
            return true;
        }

        foreach (var period in OpeningHours.Periods)
        {
            // Check the local day and the day before, so a period that closes after midnight counts too.
            for (var dayOffset = 0; dayOffset >= -1; dayOffset--)
            {
                var day = localTime.Date.AddDays(dayOffset);
                if (day.DayOfWeek != period.Day)
                {
                    continue;
                }

                var opens = day + period.Opens.ToTimeSpan() - grace;
                var closes = day + period.Closes.ToTimeSpan() + grace;
                if (period.Closes <= period.Opens)
                {
                    closes = closes.AddDays(1);
                }

                if (localTime >= opens && localTime < closes)
                {
                    return true;
                }
            }
        }

        return false;
    }
}
