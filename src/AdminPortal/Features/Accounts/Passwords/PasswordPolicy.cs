namespace AdminPortal.Features.Accounts.Passwords;

/// <summary>
/// PCI DSS v4.0.1 8.3.6: at least 12 characters with letters and digits; plus a refusal of passwords on the
/// common-password list shipped with the portal. Passwords are never logged or echoed back.
/// </summary>
public sealed class PasswordPolicy(CommonPasswords common)
{
    public const int MinimumLength = 12;
    public const int MaximumLength = 256;

    /// <summary>Null when acceptable, otherwise a message for the person (never containing the password).</summary>
    public string? Check(string? password, string? email = null)
    {
        if (string.IsNullOrEmpty(password) || password.Length < MinimumLength)
        {
            return $"Use at least {MinimumLength} characters.";
        }

        if (password.Length > MaximumLength)
        {
            return $"Use at most {MaximumLength} characters.";
        }

        if (!password.Any(char.IsLetter) || !password.Any(char.IsDigit))
        {
            return "Use both letters and digits.";
        }

        if (common.Contains(password))
        {
            return "This password is on the list of commonly used passwords. Choose another.";
        }

        if (email is { Length: > 0 } && password.Contains(email.Split('@')[0], StringComparison.OrdinalIgnoreCase) && email.Split('@')[0].Length >= 4)
        {
            return "Don't use your email address in the password.";
        }

        return null;
    }
}
