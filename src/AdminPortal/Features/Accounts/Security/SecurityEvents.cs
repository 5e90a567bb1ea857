namespace AdminPortal.Features.Accounts.Security;

/// <summary>An authentication event: who, what, from where. The summary is a sentence and never holds a secret.</summary>
public sealed record SecurityEvent(
    string Action,
    bool Succeeded,
    string Summary,
    Guid? PersonId = null,
    string? PersonName = null,
    string? TargetType = null,
    string? TargetId = null,
    bool Denied = false);

/// <summary>Where Accounts writes its security events (the audit log once it is wired in).</summary>
public interface ISecurityEvents
{
    Task RecordAsync(SecurityEvent securityEvent, ClientInfo client, CancellationToken ct = default);
}

/// <summary>The caller's address and user agent for events raised outside an HTTP request (a Blazor circuit).</summary>
public sealed record ClientInfo(string? IpAddress, string? UserAgent)
{
    public static ClientInfo From(HttpContext? context) => new(
        context?.Connection.RemoteIpAddress?.ToString(),
        context?.Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? (ua.Length > 400 ? ua[..400] : ua) : null);
}
