using System.Security.Claims;

namespace AdminPortal.Features.Accounts;

/// <summary>Claim types of a signed-in person. Other slices read the person through these, never through cookies.</summary>
public static class PortalClaims
{
    /// <summary>The server-side session id (Guid "D"); the cookie itself holds only an opaque reference.</summary>
    public const string SessionId = "portal:sid";

    /// <summary>"true" for platform admins.</summary>
    public const string PlatformAdmin = "portal:platform_admin";

    /// <summary>How far the sign-in got: <see cref="SessionLevels"/>. Only "full" passes the portal's policies.</summary>
    public const string Level = "portal:level";

    public static Guid? PersonId(ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;

    public static Guid? Session(ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(SessionId), out var id) ? id : null;

    public static bool IsFullySignedIn(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && user.HasClaim(Level, SessionLevels.Full);
}

/// <summary>Stages of a session: password given but key pending, key enrollment required, or fully authenticated.</summary>
public static class SessionLevels
{
    public const string SecondFactor = "second-factor";
    public const string Enroll = "enroll";
    public const string Full = "full";
}

public static class PortalPolicies
{
    /// <summary>Fully authenticated platform admin.</summary>
    public const string PlatformAdmin = "PlatformAdmin";

    /// <summary>A session that may enroll a key: just enrolled by link/setup/recovery code, or fully signed in.</summary>
    public const string Enrollment = "AccountsEnrollment";

    /// <summary>A session that has given the password and now owes a WebAuthn assertion.</summary>
    public const string SecondFactor = "AccountsSecondFactor";
}
