using AdminPortal.Infrastructure.Validation;

namespace AdminPortal.Features.Merchants.Editing;

/// <summary>What an admin or merchant owner types for a store. Mutable: a form binds to it.</summary>
public sealed class StoreInput
{
    public string Name { get; set; } = "";
    public string AddressLine { get; set; } = "";
    public string City { get; set; } = "";
    public string PostalCode { get; set; } = "";
    public string Country { get; set; } = "";
    public string TimeZone { get; set; } = "";
    public double? Latitude { get; set; }
    public double? Longitude { get; set; }

    /// <summary>Opening time per day in the store's time zone; a day without both times is closed.</summary>
    public Dictionary<DayOfWeek, (TimeSpan? Opens, TimeSpan? Closes)> Hours { get; set; } =
        Enum.GetValues<DayOfWeek>().ToDictionary(d => d, _ => ((TimeSpan?)null, (TimeSpan?)null));

    public static StoreInput From(Store s)
    {
        var input = new StoreInput
        {
            Name = s.Name, AddressLine = s.AddressLine, City = s.City, PostalCode = s.PostalCode, Country = s.Country,
            TimeZone = s.TimeZone, Latitude = s.Latitude, Longitude = s.Longitude,
        };
        foreach (var period in s.OpeningHours?.Periods ?? [])
        {
            input.Hours[period.Day] = (period.Opens.ToTimeSpan(), period.Closes.ToTimeSpan());
        }

        return input;
    }

    public OpeningHours ToOpeningHours() => new(Hours
        .Where(h => h.Value.Opens is not null && h.Value.Closes is not null)
        .OrderBy(h => ((int)h.Key + 6) % 7) // Monday first
        .Select(h => new OpeningPeriod(h.Key, TimeOnly.FromTimeSpan(h.Value.Opens!.Value), TimeOnly.FromTimeSpan(h.Value.Closes!.Value)))
        .ToList());

    public void Normalise()
    {
        Name = Name.Trim();
        AddressLine = AddressLine.Trim();
        City = City.Trim();
        PostalCode = PostalCode.Trim();
        Country = Country.Trim().ToUpperInvariant();
        TimeZone = TimeZone.Trim();
    }

    public ValidationErrors Validate()
    {
        var errors = new ValidationErrors()
            .Require(nameof(Name), Name, "Name", 120)
            .Require(nameof(AddressLine), AddressLine, "Address", 200)
            .Require(nameof(City), City, "City", 100)
            .Require(nameof(PostalCode), PostalCode, "Postal code", 20);
        if (!CountryCodes.IsKnown(Country))
        {
            errors.Add(nameof(Country), "Country must be an ISO 3166 two-letter code such as DE, GB or US.");
        }

        if (string.IsNullOrWhiteSpace(TimeZone) || !TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone.Trim(), out _) || !TimeZone.Contains('/'))
        {
            errors.Add(nameof(TimeZone), "Time zone must be an IANA name such as Europe/Berlin.");
        }

        if (Latitude is not null != Longitude is not null)
        {
            errors.Add(Latitude is null ? nameof(Latitude) : nameof(Longitude), "Give both latitude and longitude, or neither.");
        }

        if (Latitude is < -90 or > 90)
        {
            errors.Add(nameof(Latitude), "Latitude must be between -90 and 90.");
        }

        if (Longitude is < -180 or > 180)
        {
            errors.Add(nameof(Longitude), "Longitude must be between -180 and 180.");
        }

        foreach (var (day, (opens, closes)) in Hours)
        {
            if (opens is null != closes is null)
            {
                errors.Add("Hours", $"{day}: give both opening and closing time, or neither.");
            }
            else if (opens >= closes)
            {
                errors.Add("Hours", $"{day}: closing time must be after opening time.");
            }
        }

        return errors;
    }
}
