namespace AdminPortal.Features.Accounts;

/// <summary>A person who signs in to the portal. Never carries a secret (password hash, keys, codes).</summary>
public sealed record Person(Guid Id, string Email, string DisplayName, bool IsPlatformAdmin, PersonStatus Status, DateTimeOffset CreatedAt)
{
    public bool IsActive => Status == PersonStatus.Active;
}

public enum PersonStatus
{
    Active,
    Disabled,
}
