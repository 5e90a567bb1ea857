using AdminPortal.Features.Devices.Tags;
using AdminPortal.Infrastructure.Validation;

namespace AdminPortal.Tests.Devices;

public sealed class DeviceTagRulesTests
{
    [Theory]
    [InlineData("pilot", "pilot")]
    [InlineData("  Drive-Thru ", "drive-thru")]
    [InlineData("FLOOR_2", "floor_2")]
    [InlineData("a", "a")]
    [InlineData("abcdefghijklmnopqrstuvwxyz-_0123", "abcdefghijklmnopqrstuvwxyz-_0123")]
    public void A_valid_tag_is_stored_trimmed_and_lower_case(string typed, string stored)
    {
        Assert.Null(DeviceTagRules.Problem(typed));
        Assert.Equal(stored, DeviceTagRules.Validate(typed));
    }

    [Theory]
    [InlineData(null, "Type a tag.")]
    [InlineData("   ", "Type a tag.")]
    [InlineData("front desk", "A tag holds only letters a–z, digits, '-' and '_' (no spaces).")]
    [InlineData("café", "A tag holds only letters a–z, digits, '-' and '_' (no spaces).")]
    [InlineData("pilot,beta", "A tag holds only letters a–z, digits, '-' and '_' (no spaces).")]
    [InlineData("abcdefghijklmnopqrstuvwxyz-_01234", "A tag is at most 32 characters.")]
    public void An_invalid_tag_is_refused_with_a_message_naming_the_rule(string? typed, string message)
    {
        Assert.Equal(message, DeviceTagRules.Problem(typed));
        var refused = Assert.Throws<InputValidationException>(() => DeviceTagRules.Validate(typed));
        Assert.Equal([message], refused.Errors["Tag"]);
    }
}
