namespace AdminPortal.Features.Patching;

/// <summary>What the terminal must do about enforcement, strongest last.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(CamelCaseEnumConverter<Enforcement>))]
public enum Enforcement
{
    None = 0,
    Notify = 1,
    BlockPayments = 2,
    Lock = 3,
}

/// <summary>A component the terminal should install (it runs less than <see cref="MinimumVersion"/>).</summary>
public sealed record InstallInstruction(PatchComponent Component, string MinimumVersion, Guid? ReleaseId);

/// <summary>
/// The window in the store's zone (days as lower-case English names, times as HH:mm:ss wall clock) plus the next
/// (or current) opening as UTC instants, so a terminal without a time-zone database can simply compare instants.
/// </summary>
public sealed record EffectiveWindow(
    IReadOnlyList<string> Days, TimeOnly Start, TimeOnly End, string TimeZone, bool OpenNow, DateTimeOffset? OpensAt, DateTimeOffset? ClosesAt);

/// <summary>Where the device stands in the rollout.</summary>
public sealed record EffectiveRing(int RingNumber, decimal RingPercent, bool DeviceInRing, bool Halted);

/// <summary>
/// The patch policy a terminal receives at check-in (<c>patchPolicy</c>). Built from every active policy that targets it;
/// <see cref="PolicyIds"/> lists them, the window/ring/deadline come from the governing (earliest-deadline) policy.
/// </summary>
public sealed record EffectivePatchPolicy(
    Guid PolicyId,
    string PolicyName,
    IReadOnlyList<Guid> PolicyIds,
    IReadOnlyList<InstallInstruction> Install,
    EffectiveWindow Window,
    DateTimeOffset Deadline,
    DateTimeOffset GraceEndsAt,
    EffectiveRing Ring,
    Enforcement Enforcement,
    DeviceComplianceState Compliance,
    string Message);

/// <summary>An active policy as the resolver needs it.</summary>
public sealed record PolicyInForce(Guid Id, Guid MerchantId, string Name, PolicyDefinition Definition, RolloutState Rollout);

public static class EffectivePolicyResolver
{
    /// <summary>
    /// The device's effective policy, or null when no active policy targets it. Devices outside the rings reached so far,
    /// and every device while the rollout is halted, get nothing to install and no enforcement: a device is never punished
    /// for an update it was not offered.
    /// </summary>
    public static EffectivePatchPolicy? Resolve(
        DeviceSnapshot device, IEnumerable<PolicyInForce> policies, IReadOnlyCollection<LatestInstall> latestInstalls, DateTimeOffset now)
    {
        var zone = WallClock.FindZone(device.StoreTimeZone);
        var resolved = policies
            .Where(p => p.MerchantId == device.MerchantId && p.Definition.Target.Matches(device))
            .Select(p => ResolveOne(device, p, zone, latestInstalls, now))
            .OrderBy(p => p.Deadline)
            .ThenBy(p => p.PolicyId)
            .ToList();
        if (resolved.Count == 0)
        {
            return null;
        }

        // The strictest minimum per component wins across policies; the earliest deadline governs.
        var install = resolved.SelectMany(p => p.Install)
            .GroupBy(i => i.Component)
            .Select(g => g.OrderByDescending(i => PatchVersion.Parse(i.MinimumVersion)).First())
            .OrderBy(i => i.Component)
            .ToList();
        var governing = resolved.FirstOrDefault(p => p.Install.Count > 0) ?? resolved[0];
        return governing with
        {
            PolicyIds = resolved.Select(p => p.PolicyId).ToList(),
            Install = install,
            Enforcement = resolved.Max(p => p.Enforcement),
            Compliance = resolved.Max(p => p.Compliance),
            Message = resolved.OrderByDescending(p => p.Enforcement).First().Message,
        };
    }

    private static EffectivePatchPolicy ResolveOne(
        DeviceSnapshot device, PolicyInForce policy, TimeZoneInfo zone, IReadOnlyCollection<LatestInstall> latestInstalls, DateTimeOffset now)
    {
        var definition = policy.Definition;
        var rollout = policy.Rollout;
        var halted = rollout.Phase == RolloutPhase.Halted;
        var percent = definition.Rollout.PercentOf(rollout.RingIndex);
        var inRing = RolloutBuckets.IsInRing(policy.Id, device.Id, percent);
        var offered = inRing && !halted;
        var compliance = DeviceComplianceRules.Evaluate(definition, device, latestInstalls, now);

        var install = offered
            ? definition.Requirements
                .Where(r => !PatchVersion.Satisfies(device.VersionOf(r.Component), r.MinimumVersion))
                .Select(r => new InstallInstruction(r.Component, r.MinimumVersion, r.ReleaseId))
                .ToList()
            : [];

        var stage = PatchDeadlines.StageAt(definition.Deadline, definition.GraceDays, now);
        var enforcement = (offered && install.Count > 0, stage) switch
        {
            (false, _) => Enforcement.None,
            (true, DeadlineStage.BeforeDeadline) => Enforcement.None,
            (true, DeadlineStage.InGrace) => Enforcement.Notify,
            _ => (Enforcement)(int)definition.OverdueAction,
        };

        var next = definition.Window.CurrentOrNext(now, zone);
        var window = new EffectiveWindow(definition.Window.Days.Order().Select(d => d.ToString().ToLowerInvariant()).ToList(), definition.Window.Start, definition.Window.End, zone.Id,
            next?.Contains(now) == true, next?.OpensAt, next?.ClosesAt);

        var message = (offered, install.Count, enforcement) switch
        {
            (false, _, _) when halted => "The rollout is halted; keep the current versions.",
            (false, _, _) => "Not in the rollout yet; keep the current versions.",
            (_, 0, _) => "Up to date.",
            (_, _, Enforcement.Lock) => "Overdue: the terminal is locked until it installs the required versions.",
            (_, _, Enforcement.BlockPayments) => "Overdue: payments are blocked until the required versions are installed.",
            (_, _, Enforcement.Notify) => $"Past the deadline: install the required versions now (grace ends {PatchDeadlines.GraceEndsAt(definition.Deadline, definition.GraceDays):yyyy-MM-dd}).",
            _ => $"Install the required versions in the maintenance window before {definition.Deadline:yyyy-MM-dd}.",
        };

        return new EffectivePatchPolicy(policy.Id, policy.Name, [policy.Id], install, window, definition.Deadline,
            PatchDeadlines.GraceEndsAt(definition.Deadline, definition.GraceDays),
            new EffectiveRing(rollout.RingIndex + 1, percent, inRing, halted), enforcement, compliance, message);
    }
}
