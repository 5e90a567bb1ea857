using System.Text.Json;
using AdminPortal.Features.Devices;

namespace AdminPortal.Tests.Devices;

public sealed class CardNumberDetectorTests
{
    [Theory]
    [InlineData("4111111111111111")]            // Visa test number
    [InlineData("card 5555 5555 5555 4444 here")] // grouped by spaces
    [InlineData("378282246310005")]             // Amex, 15 digits
    [InlineData("4000-0566-5566-5556")]         // grouped by dashes
    [InlineData("6011000990139424")]
    [InlineData("4222222222222")]               // 13 digits
    public void Finds_card_numbers(string text) => Assert.True(CardNumberDetector.ContainsCardNumber(text));

    [Theory]
    [InlineData("4111111111111112")]            // fails Luhn
    [InlineData("411111111111")]                // 12 digits: too short
    [InlineData("41111111111111111111111")]     // 23 digits: a longer number, not a card
    [InlineData("2026-11-25T12:00:00Z")]
    [InlineData("52.520008, 13.404954")]
    [InlineData("3f2504e0-4f89-11d3-9a0c-0305e82c3301")]
    [InlineData("4111  1111 1111 1111")]        // a double space ends the run
    [InlineData("")]
    [InlineData("52.52001234567894")]           // the fraction of a coordinate (passes Luhn by itself)
    [InlineData("52001234567894.5")]
    public void Leaves_other_digits_alone(string text) => Assert.False(CardNumberDetector.ContainsCardNumber(text));

    [Fact]
    public void Names_the_json_path_of_the_card_number_and_decodes_escapes()
    {
        using var nested = JsonDocument.Parse("""{"a":{"list":[1,"x",{"note":"4111111111111111"}]}}""");
        using var escaped = JsonDocument.Parse("""{"v":"\u0034\u0031\u0031\u0031111111111111"}""");
        using var number = JsonDocument.Parse("""{"n":4111111111111111}""");
        using var clean = JsonDocument.Parse("""{"batteryPercent":80,"lat":52.52001234567894}""");

        Assert.Equal("a.list[2].note", CardNumberDetector.FindInJson(nested.RootElement));
        Assert.Equal("v", CardNumberDetector.FindInJson(escaped.RootElement));
        Assert.Equal("n", CardNumberDetector.FindInJson(number.RootElement));
        Assert.Null(CardNumberDetector.FindInJson(clean.RootElement));
    }
}
