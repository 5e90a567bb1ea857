using System.Globalization;

namespace AdminPortal.Features.Fraud.Scoring;

/// <summary>Formats integer minor units for explanations (two decimals; good enough for the currencies terminals use).</summary>
public static class Money
{
    public static string Format(long minor, string currency) =>
        string.Create(CultureInfo.InvariantCulture, $"{minor / 100m:0.00} {currency}");
}
