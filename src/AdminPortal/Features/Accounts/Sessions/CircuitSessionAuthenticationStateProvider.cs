using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;

namespace AdminPortal.Features.Accounts.Sessions;

/// <summary>
/// The signed-in person of an open page (Blazor circuit). The circuit keeps the principal of the request that opened
/// it, so this re-checks the server-side session on a timer and at once when this process ends it: an idle, expired,
/// revoked or disabled session turns the page anonymous, and <see cref="SessionGuard"/> then sends the browser to sign-in.
/// </summary>
public sealed class CircuitSessionAuthenticationStateProvider : AuthenticationStateProvider, IHostEnvironmentAuthenticationStateProvider, IDisposable
{
    private static readonly Task<AuthenticationState> Anonymous = Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity())));

    private readonly SessionStore _sessions;
    private readonly SessionRevocations _revocations;
    private readonly TimeSpan _interval;
    private readonly CancellationTokenSource _stop = new();
    private Task<AuthenticationState> _state = Anonymous;
    private Guid? _sessionId;
    private int _loopStarted;
    private int _disposed;

    public CircuitSessionAuthenticationStateProvider(SessionStore sessions, SessionRevocations revocations, IOptions<AccountsOptions> options)
    {
        _sessions = sessions;
        _revocations = revocations;
        _interval = options.Value.SessionCheckInterval;
        _revocations.Ended += OnSessionEnded;
    }

    public override Task<AuthenticationState> GetAuthenticationStateAsync() => _state;

    public void SetAuthenticationState(Task<AuthenticationState> authenticationStateTask)
    {
        _state = authenticationStateTask ?? throw new ArgumentNullException(nameof(authenticationStateTask));
        NotifyAuthenticationStateChanged(_state);
    }

    /// <summary>
    /// Called when this scope is a live circuit (not a one-off server-rendered request, whose session may change
    /// legitimately while it runs, e.g. at sign-in).
    /// </summary>
    public void StartWatching() => _ = WatchAsync();

    private async Task WatchAsync()
    {
        if (Interlocked.Exchange(ref _loopStarted, 1) == 1)
        {
            return;
        }

        var state = await _state;
        _sessionId = PortalClaims.Session(state.User);
        if (_sessionId is null)
        {
            return;
        }

        using var timer = new PeriodicTimer(_interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                if (_sessionId is { } sid && await _sessions.FindActiveAsync(sid, _stop.Token) is null)
                {
                    EndPage();
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            // The circuit closed.
        }
    }

    private void OnSessionEnded(Guid sessionId)
    {
        if (sessionId == _sessionId)
        {
            EndPage();
        }
    }

    private void EndPage()
    {
        _sessionId = null;
        _state = Anonymous;
        NotifyAuthenticationStateChanged(_state);
    }

    // Registered under two service types, so the container may dispose it twice.
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _revocations.Ended -= OnSessionEnded;
        _stop.Cancel();
        _stop.Dispose();
    }
}

/// <summary>Starts the session watch of a circuit when it opens.</summary>
internal sealed class SessionCircuitHandler(AuthenticationStateProvider provider) : Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler
{
    public override Task OnCircuitOpenedAsync(Microsoft.AspNetCore.Components.Server.Circuits.Circuit circuit, CancellationToken cancellationToken)
    {
        (provider as CircuitSessionAuthenticationStateProvider)?.StartWatching();
        return Task.CompletedTask;
    }
}
