namespace AdminPortal.Features.Accounts.WebAuthn;

/// <summary>
/// A key presented a signature counter lower than (or equal to) the stored one, with a valid signature: it may have
/// been cloned. <see cref="CredentialId"/> is the portal's id of the stored key, not the authenticator's credential id.
/// </summary>
public sealed record CounterRegression(
    Guid PersonId, Guid CredentialId, string KeyName, long StoredCounter, long PresentedCounter, DateTimeOffset At, string? IpAddress);

/// <summary>
/// Learns of every WebAuthn counter regression after it was recorded as a security event (higher slices, e.g.
/// Incidents, register one with <c>services.AddSingleton&lt;ICounterRegressionObserver, T&gt;()</c>; Accounts never imports
/// them). A failing observer is logged and does not change the refused sign-in.
/// </summary>
public interface ICounterRegressionObserver
{
    Task OnCounterRegressionAsync(CounterRegression regression, CancellationToken cancellationToken);
}
