using System.Security.Claims;

namespace AdminPortal.Features.Patching;

/// <summary>
/// The person doing something, as the audit log and the four-eyes rule see them. <see cref="Principal"/> travels along
/// for the step-up check; <see cref="System"/> is the rollout supervisor.
/// </summary>
public sealed record PatchingActor(Guid? Id, string Name, ClaimsPrincipal? Principal = null)
{
    public static PatchingActor System { get; } = new(null, "Rollout supervisor");

    /// <summary>From the signed-in person: NameIdentifier holds the person id (the Accounts contract).</summary>
    public static PatchingActor From(ClaimsPrincipal user)
    {
        var id = Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var parsed) ? parsed : (Guid?)null;
        var name = user.Identity?.Name ?? user.FindFirstValue(ClaimTypes.Email) ?? "unknown person";
        return new PatchingActor(id, name, user);
    }
}
