using System.Security.Claims;
using AdminPortal.Features.Accounts.Recovery;
using AdminPortal.Features.Accounts.Security;
using AdminPortal.Features.Accounts.Sessions;
using AdminPortal.Features.Accounts.StepUp;
using AdminPortal.Features.Accounts.WebAuthn;

namespace AdminPortal.Features.Accounts.Keys;

/// <summary>What a signed-in person may do with their own keys, recovery codes and sessions (My security keys).</summary>
public sealed class SecurityKeysService(
    PersonDirectory people,
    CredentialStore credentials,
    WebAuthnCeremonies ceremonies,
    RecoveryCodes recoveryCodes,
    SessionStore sessions,
    IStepUp stepUp,
    ISecurityEvents events)
{
    public async Task<IReadOnlyList<SecurityKey>> ListAsync(ClaimsPrincipal user, CancellationToken ct = default) =>
        await credentials.ListAsync(Me(user), ct);

    public async Task<int> RemainingRecoveryCodesAsync(ClaimsPrincipal user, CancellationToken ct = default) =>
        await recoveryCodes.RemainingAsync(Me(user), ct);

    public async Task<CeremonyStart> BeginAddAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        var person = await people.FindAsync(Me(user), ct) ?? throw new InvalidOperationException("No such person.");
        return await ceremonies.BeginRegistrationAsync(person, PortalClaims.Session(user), ct);
    }

    public async Task<SecurityKey?> CompleteAddAsync(ClaimsPrincipal user, Guid requestId, string responseJson, string name, CancellationToken ct = default)
    {
        var person = await people.FindAsync(Me(user), ct) ?? throw new InvalidOperationException("No such person.");
        var key = await ceremonies.CompleteRegistrationAsync(person, PortalClaims.Session(user), requestId, responseJson, name, ct);
        if (key is not null)
        {
            await RecordAsync(user, new SecurityEvent("webauthn.key-added", true, $"{person.DisplayName} added the security key \"{key.Name}\".",
                person.Id, person.DisplayName, "webauthn-credential", key.Id.ToString("D")), ct);
        }

        return key;
    }

    public async Task<bool> RenameAsync(ClaimsPrincipal user, Guid keyId, string name, CancellationToken ct = default) =>
        await credentials.RenameAsync(Me(user), keyId, KeyNames.Clean(name, Guid.Empty), ct);

    /// <summary>Removes a key; needs step-up and refuses the last key (returns false).</summary>
    public async Task<bool> RemoveAsync(ClaimsPrincipal user, Guid keyId, CancellationToken ct = default)
    {
        await stepUp.EnsureFreshAsync(user, ct);
        var removed = await credentials.RemoveUnlessLastAsync(Me(user), keyId, ct);
        if (removed)
        {
            await RecordAsync(user, new SecurityEvent("webauthn.key-removed", true, $"{user.Identity?.Name} removed a security key.",
                Me(user), user.Identity?.Name, "webauthn-credential", keyId.ToString("D")), ct);
        }

        return removed;
    }

    /// <summary>Ten new recovery codes (the old ones stop working); needs step-up.</summary>
    public async Task<IReadOnlyList<string>> RegenerateRecoveryCodesAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        await stepUp.EnsureFreshAsync(user, ct);
        var codes = await recoveryCodes.RegenerateAsync(Me(user), ct);
        await RecordAsync(user, new SecurityEvent("recovery-codes.regenerated", true, $"{user.Identity?.Name} generated new recovery codes.",
            Me(user), user.Identity?.Name), ct);
        return codes;
    }

    /// <summary>Ends every other session of the person (this one stays).</summary>
    public async Task<int> SignOutOtherSessionsAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        var ended = await sessions.EndAllAsync(Me(user), SessionEndReasons.SignedOutEverywhere, PortalClaims.Session(user), ct);
        await RecordAsync(user, new SecurityEvent("session.revoked", true, $"{user.Identity?.Name} signed out {ended} other session(s).",
            Me(user), user.Identity?.Name), ct);
        return ended;
    }

    private async Task RecordAsync(ClaimsPrincipal user, SecurityEvent securityEvent, CancellationToken ct)
    {
        var session = PortalClaims.Session(user) is { } sid ? await sessions.FindActiveAsync(sid, ct) : null;
        await events.RecordAsync(securityEvent, new ClientInfo(session?.IpAddress, session?.UserAgent), ct);
    }

    private static Guid Me(ClaimsPrincipal user) =>
        PortalClaims.IsFullySignedIn(user) && PortalClaims.PersonId(user) is { } id ? id : throw new InvalidOperationException("Not signed in.");
}
