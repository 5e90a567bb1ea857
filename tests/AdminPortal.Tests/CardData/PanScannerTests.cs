using System.Text;
using AdminPortal.Infrastructure.CardData;

namespace AdminPortal.Tests.CardData;

public sealed class PanScannerTests
{
    // Well-known test card numbers: all pass Luhn.
    private const string Visa16 = "4111111111111111";
    private const string Visa13 = "4222222222222";
    private const string Amex15 = "378282246310005";
    private const string Nineteen = "6011000990139424009"; // 19 digits, Luhn-valid (checked below)

    private static PanFinding? Scan(string json)
    {
        var utf8 = Encoding.UTF8.GetBytes(json);
        var finding = PanScanner.Find(utf8);
        // Every test that finds a PAN also proves that the quick raw-byte check never clears such a document.
        Assert.False(finding is not null && PanScanner.CannotHoldPan(utf8), "the quick check cleared a document holding a PAN");
        return finding;
    }

    [Fact]
    public void The_quick_check_clears_a_typical_batch_and_leaves_long_digit_runs_and_unicode_escapes_to_the_full_scan()
    {
        const string Batch = """
            {"events":[{"eventId":"3f2504e0-4f89-11d3-9a0c-0305e82c3301","occurredAt":"2026-12-01T10:15:00+01:00","type":"sale",
            "amountMinor":1250,"currency":"EUR","cardToken":"tok_9f8a7b6c5d","bin":"411111","last4":"1111","entryMode":"chip",
            "result":"approved","location":{"lat":52.520008,"lon":13.404954}}]}
            """;

        Assert.True(PanScanner.CannotHoldPan(Encoding.UTF8.GetBytes(Batch)));
        Assert.False(PanScanner.CannotHoldPan("""{"ref":"1234567890123"}"""u8));
        Assert.False(PanScanner.CannotHoldPan("""{"note":"4111\u00201111"}"""u8));
    }

    [Theory]
    [InlineData(Visa16)]
    [InlineData(Visa13)]
    [InlineData(Amex15)]
    [InlineData("4111 1111 1111 1111")]
    [InlineData("4111-1111-1111-1111")]
    [InlineData("3782 822463 10005")]
    [InlineData("card 4111111111111111 used")]
    [InlineData("qty 2 4111111111111111")]
    [InlineData("tok_4111111111111111")]
    public void A_pan_in_a_string_is_found(string value)
    {
        var finding = Scan($$"""{"note":"{{value}}"}""");

        Assert.Equal("note", finding?.Path);
    }

    [Theory]
    [InlineData("order 12 item 34 at 2026-11-30 card 4111 1111 1111 1111", true)]
    [InlineData("4111 1111-1111 1111 and more text after it", true)]
    [InlineData("ref 99 then 4222222222222", true)]
    [InlineData("order 12 item 34 at 2026-11-30 12:00:00 amount 1234567 eur", false)]
    [InlineData("123456789012 - 3", false)]                  // 12 digits then a lone group: the dash is padded, not a separator
    public void Values_with_many_short_digit_groups_are_scanned_to_the_end(string value, bool isPan)
    {
        Assert.Equal(isPan, PanScanner.ContainsPan(value));
        Assert.Equal(isPan, PanScanner.ContainsPan(Encoding.UTF8.GetBytes(value)));
    }

    [Fact]
    public void Nineteen_digit_test_number_is_luhn_valid_and_found()
    {
        Assert.True(PanScanner.PassesLuhn(Nineteen));
        Assert.Equal("a", Scan($$"""{"a":"{{Nineteen}}"}""")?.Path);
    }

    [Theory]
    [InlineData("411111111111")]                 // 12 digits
    [InlineData("41111111111111111113")]         // 20 digits, even though a 16-digit prefix passes Luhn
    [InlineData("4111111111111112")]             // fails Luhn
    [InlineData("4111 1111 1111 1112")]
    [InlineData("4111  1111 1111 1111")]         // two separators in a row end the run: 4 + 12 digits
    [InlineData("2026-11-25T12:00:00Z")]
    [InlineData("123e4567-e89b-12d3-a456-426614174000")]
    [InlineData("411111")]
    [InlineData("")]
    public void Other_values_are_not_pans(string value)
    {
        Assert.Null(Scan($$"""{"note":"{{value}}"}"""));
    }

    [Fact]
    public void A_pan_written_as_a_json_number_is_found()
    {
        Assert.Equal("events[0].amountMinor", Scan($$$"""{"events":[{"amountMinor":{{{Visa16}}}}]}""")?.Path);
        Assert.Null(Scan("""{"events":[{"amountMinor":41111111111111111113}]}"""));
        Assert.Null(Scan("""{"events":[{"amountMinor":1250, "lat": 52.52}]}"""));
    }

    [Fact]
    public void The_fraction_of_a_json_number_is_not_a_pan_but_its_integer_part_is()
    {
        // 50896754321230 passes Luhn: as the fraction of a full-precision coordinate it is not a card number.
        Assert.True(PanScanner.PassesLuhn("50896754321230"));
        Assert.Null(Scan("""{"location":{"lat":51.50896754321230,"lon":-0.1250896754321230}}"""));
        Assert.Null(Scan("""{"x":1.50896754321230e2}"""));
        Assert.Equal("x", Scan($$$"""{"x":{{{Visa16}}}.0}""")?.Path);
        Assert.Equal("x", Scan($$$"""{"x":-{{{Visa16}}}}""")?.Path);
        // The same digits in a string are still refused: a string is free text that may carry a number anywhere.
        Assert.Equal("x", Scan("""{"x":"51.50896754321230"}""")?.Path);
    }

    [Fact]
    public void Escaped_digits_cannot_hide_a_pan()
    {
        Assert.Equal("x", Scan("""{"x":"\u0034111111111111111"}""")?.Path);
        Assert.Equal("v", Scan("""{"v":"\u0034\u0031\u0031\u0031111111111111"}""")?.Path);
        // Escaped spaces join groups that are short in the raw bytes: only the decoded text is a PAN.
        Assert.Equal("g", Scan("""{"g":"4111\u00201111\u00201111\u00201111"}""")?.Path);
    }

    // Cases carried over from the device API's former card-number detector, which this scanner replaced.
    [Theory]
    [InlineData("card 5555 5555 5555 4444 here")]
    [InlineData("4000-0566-5566-5556")]
    [InlineData("6011000990139424")]
    public void Device_api_card_numbers_are_found(string value)
    {
        Assert.True(PanScanner.ContainsPan(value));
        Assert.True(PanScanner.ContainsPan(Encoding.UTF8.GetBytes(value)));
        Assert.Equal("note", Scan($$"""{"note":"{{value}}"}""")?.Path);
    }

    [Theory]
    [InlineData("41111111111111111111111")]      // 23 digits: a longer number, not a card
    [InlineData("52.520008, 13.404954")]
    [InlineData("3f2504e0-4f89-11d3-9a0c-0305e82c3301")]
    public void Device_api_values_that_are_not_card_numbers(string value)
    {
        Assert.False(PanScanner.ContainsPan(value));
        Assert.Null(Scan($$"""{"note":"{{value}}"}"""));
    }

    [Fact]
    public void A_coordinate_number_is_clean_but_the_same_digits_in_a_string_are_refused()
    {
        // The former device detector let decimal digits in strings pass; strings are free text, so the stricter rule won.
        Assert.True(PanScanner.PassesLuhn("52001234567894"));
        Assert.Null(Scan("""{"batteryPercent":80,"lat":52.52001234567894}"""));
        Assert.Equal("lat", Scan("""{"lat":"52.52001234567894"}""")?.Path);
        Assert.Equal("n", Scan("""{"n":"52001234567894.5"}""")?.Path);
        Assert.Equal("n", Scan("""{"n":52001234567894.5}""")?.Path);
    }

    [Fact]
    public void A_pan_in_an_exponent_is_found()
    {
        Assert.Equal("n", Scan($$$"""{"n":1.5e{{{Visa16}}}}""")?.Path);
        Assert.Null(Scan("""{"n":1.5e300}"""));
    }

    [Fact]
    public void A_pan_as_a_property_name_is_found_and_the_path_names_the_object_not_the_number()
    {
        Assert.Equal("$", Scan($$$"""{"{{{Visa16}}}":1}""")?.Path);
        Assert.Equal("a.list[2]", Scan($$$"""{"a":{"list":[1,"x",{"ok":1,"{{{Visa16}}}":true}]}}""")?.Path);
        Assert.Equal("a", Scan("""{"a":{"\u0034111111111111111":1}}""")?.Path);
        Assert.Null(Scan("""{"a":{"serialNumber":"SN-1","4111":1}}"""));
    }

    [Fact]
    public void A_byte_order_mark_does_not_hide_a_pan()
    {
        byte[] body = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes($$$"""{"note":"{{{Visa16}}}"}""")];
        Assert.Equal("note", PanScanner.Find(body)?.Path);
    }

    [Theory]
    [InlineData("eventId")]
    [InlineData("type")]
    [InlineData("currency")]
    [InlineData("cardToken")]
    [InlineData("bin")]
    [InlineData("last4")]
    [InlineData("entryMode")]
    [InlineData("result")]
    [InlineData("responseCode")]
    public void Every_field_of_a_transaction_event_is_scanned_and_the_path_names_it(string field)
    {
        var json = $$$"""
            {"events":[
              {"eventId":"e1","amountMinor":100,"cardToken":"tok_a","location":{"lat":1,"lon":2}},
              {"eventId":"e2","amountMinor":100,"{{{field}}}":"4111-1111-1111-1111"}
            ]}
            """;

        Assert.Equal($"events[1].{field}", Scan(json)?.Path);
    }

    [Fact]
    public void Nested_arrays_and_objects_report_the_exact_path()
    {
        Assert.Equal("a[1][2].b.c", Scan($$$"""{"a":[[1],[0,0,{"b":{"c":"{{{Visa16}}}"}}]]}""")?.Path);
        Assert.Equal("events[0].location.lat", Scan($$$"""{"events":[{"location":{"lat":{{{Visa16}}}}}]}""")?.Path);
        Assert.Equal("$", Scan($"\"{Visa16}\"")?.Path);
        Assert.Equal("[2]", Scan($"[1,2,\"{Visa16}\"]")?.Path);
    }

    [Fact]
    public void The_finding_never_carries_the_number()
    {
        var finding = Scan($$$"""{"events":[{"cardToken":"{{{Visa16}}}"}]}""");

        Assert.NotNull(finding);
        Assert.DoesNotContain("1111", finding.Value.Path);
        Assert.DoesNotContain("1111", finding.Value.ToString());
    }

    [Fact]
    public void Invalid_json_is_reported_as_such()
    {
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => Scan("""{"a":"""));
    }
}

/// <summary>Identifiers shaped as UUIDs are never card numbers, even when their digit groups pass Luhn.</summary>
public sealed class UuidPanTests
{
    // The first three groups read 4111 1111 1111 1111 (Luhn-valid) and the rest is hex.
    private const string LuhnLookingUuid = "41111111-1111-1111-abcd-abcdefabcdef";

    [Fact]
    public void A_uuid_whose_digits_pass_luhn_is_not_a_pan_in_the_transactions_scanner()
    {
        Assert.False(AdminPortal.Infrastructure.CardData.PanScanner.ContainsPan(LuhnLookingUuid.AsSpan()));
        Assert.Null(AdminPortal.Infrastructure.CardData.PanScanner.Find(System.Text.Encoding.UTF8.GetBytes($$"""{"events":[{"eventId":"{{LuhnLookingUuid}}"}]}""")));
    }

    [Fact]
    public void A_uuid_whose_digits_pass_luhn_is_not_a_card_number_in_a_device_api_url()
    {
        Assert.False(AdminPortal.Infrastructure.CardData.PanScanner.ContainsPan($"/api/v1/devices/commands/{LuhnLookingUuid}/ack".AsSpan()));
    }

    [Fact]
    public void A_pan_beside_a_uuid_or_in_a_token_merely_resembling_one_is_still_found()
    {
        Assert.True(AdminPortal.Infrastructure.CardData.PanScanner.ContainsPan($"{LuhnLookingUuid} 4111 1111 1111 1111".AsSpan()));
        Assert.True(AdminPortal.Infrastructure.CardData.PanScanner.ContainsPan("41111111-1111-1111-abcd".AsSpan()));
    }
}
