using AdminPortal.Features.Accounts.Passwords;

namespace AdminPortal.Tests.Accounts;

public sealed class PasswordPolicyTests
{
    private static readonly PasswordPolicy Policy = new(new CommonPasswords());

    [Theory]
    [InlineData("Short1pass", "at least 12")]
    [InlineData("onlyletterspassphrase", "letters and digits")]
    [InlineData("123456789012345", "letters and digits")]
    [InlineData("Password1234", "commonly used")]
    [InlineData("QWERTY123456", "commonly used")]
    [InlineData("1q2w3e4r5t6y", "commonly used")]
    public void Refuses_short_single_class_and_common_passwords(string password, string reason)
    {
        Assert.Contains(reason, Policy.Check(password), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("Unusual-Phrase-2931")]
    [InlineData("tram7 harbour lamp")]
    public void Accepts_long_mixed_uncommon_passwords(string password)
    {
        Assert.Null(Policy.Check(password));
    }

    [Fact]
    public void Refuses_a_password_containing_the_email_name()
    {
        Assert.NotNull(Policy.Check("margaret-1234-x", "margaret@example.com"));
        Assert.Null(Policy.Check("Unusual-Phrase-2931", "margaret@example.com"));
    }

    [Fact]
    public void The_shipped_list_holds_thousands_of_passwords_the_length_rule_alone_would_allow()
    {
        var list = new CommonPasswords();
        Assert.True(list.Count > 5_000, $"only {list.Count} common passwords");
        Assert.True(list.Contains("iloveyou1234"));
    }
}
