using System.Globalization;
using System.Text.RegularExpressions;
using AdminPortal.Infrastructure.Validation;

namespace AdminPortal.Features.Merchants.Editing;

/// <summary>What a platform admin types for a merchant. Mutable: a form binds to it.</summary>
public sealed partial class MerchantInput
{
    /// <summary>SAQ types an mPOS merchant may file (PCI DSS v4.0.1).</summary>
    public static readonly IReadOnlyList<string> SaqTypes = ["P2PE", "SPoC", "B-IP", "C", "D"];

    public string Name { get; set; } = "";
    public string MerchantNumber { get; set; } = "";
    public string Country { get; set; } = "";
    public int PciLevel { get; set; } = 4;
    public string SaqType { get; set; } = "P2PE";

    public static MerchantInput From(Merchant m) => new()
    {
        Name = m.Name, MerchantNumber = m.MerchantNumber, Country = m.Country, PciLevel = m.PciLevel, SaqType = m.SaqType,
    };

    public void Normalise()
    {
        Name = Name.Trim();
        MerchantNumber = MerchantNumber.Trim().ToUpperInvariant();
        Country = Country.Trim().ToUpperInvariant();
    }

    public ValidationErrors Validate()
    {
        var errors = new ValidationErrors().Require(nameof(Name), Name, "Name", 200);
        if (string.IsNullOrWhiteSpace(MerchantNumber))
        {
            errors.Add(nameof(MerchantNumber), "Merchant ID is required.");
        }
        else if (!MerchantNumberPattern().IsMatch(MerchantNumber.Trim().ToUpperInvariant()))
        {
            errors.Add(nameof(MerchantNumber), "Merchant ID must be 4–32 letters, digits or dashes.");
        }

        if (!CountryCodes.IsKnown(Country))
        {
            errors.Add(nameof(Country), "Country must be an ISO 3166 two-letter code such as DE, GB or US.");
        }

        if (PciLevel is < 1 or > 4)
        {
            errors.Add(nameof(PciLevel), "PCI level must be 1, 2, 3 or 4.");
        }

        if (!SaqTypes.Contains(SaqType))
        {
            errors.Add(nameof(SaqType), $"SAQ type must be one of {string.Join(", ", SaqTypes)}.");
        }

        return errors;
    }

    [GeneratedRegex("^[A-Z0-9][A-Z0-9-]{2,30}[A-Z0-9]$")]
    private static partial Regex MerchantNumberPattern();
}

internal static class CountryCodes
{
    private static readonly HashSet<string> Known = CultureInfo.GetCultures(CultureTypes.SpecificCultures)
        .Select(c => { try { return new RegionInfo(c.Name).TwoLetterISORegionName; } catch (ArgumentException) { return null; } })
        .Where(code => code is { Length: 2 } && code.All(char.IsAsciiLetterUpper))
        .Select(code => code!)
        .ToHashSet(StringComparer.Ordinal);

    public static bool IsKnown(string? code) => code is { Length: 2 } && Known.Contains(code.Trim().ToUpperInvariant());
}
