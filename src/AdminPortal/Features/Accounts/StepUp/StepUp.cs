using System.Security.Claims;
using AdminPortal.Features.Accounts.Security;
using AdminPortal.Features.Accounts.Sessions;
using AdminPortal.Features.Accounts.WebAuthn;
using Microsoft.Extensions.Options;

namespace AdminPortal.Features.Accounts.StepUp;

/// <summary>
/// Step-up for dangerous actions: a WebAuthn assertion made within the last five minutes on this session.
/// Pages ask with <see cref="StepUpDialog"/>; the action itself must call <see cref="EnsureFreshAsync"/> on the server.
/// </summary>
public interface IStepUp
{
    /// <summary>True when the person's session presented a key within the step-up window.</summary>
    Task<bool> IsFreshAsync(ClaimsPrincipal user, CancellationToken ct = default);

    /// <summary>Throws <see cref="StepUpRequiredException"/> unless <see cref="IsFreshAsync"/>.</summary>
    Task EnsureFreshAsync(ClaimsPrincipal user, CancellationToken ct = default);

    /// <summary>Starts an assertion with one of the person's keys (used by the dialog).</summary>
    Task<CeremonyStart> BeginAsync(ClaimsPrincipal user, CancellationToken ct = default);

    /// <summary>Verifies the assertion and, when valid, marks the session fresh.</summary>
    Task<bool> CompleteAsync(ClaimsPrincipal user, Guid requestId, string responseJson, CancellationToken ct = default);
}

/// <summary>Thrown by an action that needs a fresh WebAuthn assertion and has none.</summary>
public sealed class StepUpRequiredException()
    : InvalidOperationException("This action needs a fresh confirmation with your security key or passkey (within the last 5 minutes).");

internal sealed class StepUpService(SessionStore sessions, WebAuthnCeremonies ceremonies, ISecurityEvents events, TimeProvider clock,
    IOptions<AccountsOptions> options) : IStepUp
{
    public async Task<bool> IsFreshAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        if (!PortalClaims.IsFullySignedIn(user) || PortalClaims.Session(user) is not { } sid)
        {
            return false;
        }

        var session = await sessions.FindActiveAsync(sid, ct);
        return session?.LastAssertionAt is { } at && clock.GetUtcNow() - at <= options.Value.EffectiveStepUpWindow;
    }

    public async Task EnsureFreshAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        if (!await IsFreshAsync(user, ct))
        {
            throw new StepUpRequiredException();
        }
    }

    public async Task<CeremonyStart> BeginAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        var (personId, sid) = Require(user);
        return await ceremonies.BeginAssertionAsync(CeremonyPurposes.StepUp, personId, sid, ct);
    }

    public async Task<bool> CompleteAsync(ClaimsPrincipal user, Guid requestId, string responseJson, CancellationToken ct = default)
    {
        var (personId, sid) = Require(user);
        var session = await sessions.FindActiveAsync(sid, ct);
        if (session is null)
        {
            return false;
        }

        var client = new ClientInfo(session.IpAddress, session.UserAgent);
        var outcome = await ceremonies.CompleteAssertionAsync(CeremonyPurposes.StepUp, requestId, sid, responseJson, client, ct);
        await events.RecordAsync(new SecurityEvent(outcome.Succeeded ? "step-up.succeeded" : "step-up.failed", outcome.Succeeded,
            outcome.Succeeded ? "Confirmed a dangerous action with a security key." : $"A step-up confirmation was refused ({outcome.Failure}).",
            personId, user.Identity?.Name), client, ct);
        if (!outcome.Succeeded)
        {
            return false;
        }

        await sessions.MarkAssertedAsync(sid, ct);
        return true;
    }

    private static (Guid PersonId, Guid SessionId) Require(ClaimsPrincipal user) =>
        PortalClaims.IsFullySignedIn(user) && PortalClaims.PersonId(user) is { } personId && PortalClaims.Session(user) is { } sid
            ? (personId, sid)
            : throw new InvalidOperationException("Step-up needs a signed-in person.");
}
