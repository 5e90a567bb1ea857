using AdminPortal.Features.Accounts;
using AdminPortal.Features.Accounts.Passwords;
using AdminPortal.Features.Accounts.WebAuthn;
using AdminPortal.Features.Compliance.Catalogue;
using AdminPortal.Features.Devices;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Features.Merchants.People;
using AdminPortal.Features.Patching;
using Microsoft.Extensions.Options;

namespace AdminPortal.Features.Compliance.Evidence;

// Compliance sits above Accounts, Devices and Patching, so it reads their C# APIs directly; none of them knows it.

/// <summary>The read scope of one merchant, as its compliance officer has it (the collector already checked the person).</summary>
internal static class EvidenceScope
{
    public static AccessScope For(Guid merchantId) => new(null, false, [new MerchantGrant(merchantId, MerchantRole.ComplianceOfficer)]);
}

/// <summary>
/// Evidence for 8.4.x (MFA for everyone with access), 8.2.8 (idle re-authentication), 8.3.4 (lockout) and 8.3.6
/// (password length) from the portal's own accounts. It speaks for access to the portal; other systems need their own.
/// </summary>
internal sealed class AccountsEvidenceSource(
    MerchantMemberships memberships, CredentialStore credentials, IOptions<AccountsOptions> options, TimeProvider clock) : IComplianceEvidenceSource
{
    private const string Source = "Portal accounts";

    public string Name => "Accounts";

    public async Task<IReadOnlyList<EvidenceFinding>> CollectAsync(Guid merchantId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var settings = options.Value;
        var people = (await memberships.ListAsync(EvidenceScope.For(merchantId), merchantId, cancellationToken))
            .Where(m => m.Status == PersonStatus.Active)
            .DistinctBy(m => m.PersonId)
            .ToList();
        var withoutKey = new List<string>();
        foreach (var person in people)
        {
            if (await credentials.CountAsync(person.PersonId, cancellationToken) == 0)
            {
                withoutKey.Add(person.DisplayName);
            }
        }

        var mfa = people.Count == 0
            ? "Nobody holds a role at this merchant in the portal yet."
            : withoutKey.Count == 0
                ? $"All {people.Count} active people with a role at this merchant sign in to the portal with a password and a WebAuthn " +
                  "security key or passkey (or a user-verified passkey alone); the portal refuses any other sign-in."
                : $"{withoutKey.Count} of {people.Count} people have no security key yet ({string.Join(", ", withoutKey.Take(8))}): " +
                  "they can reach only the key enrollment page until they add one.";
        var mfaResponse = withoutKey.Count == 0 && people.Count > 0 ? SaqResponse.InPlace : SaqResponse.NotInPlace;

        return
        [
            new("8.4.1", mfaResponse, mfa + " Covers the portal; confirm MFA on other administrative access into the CDE.", Source, now),
            new("8.4.2", mfaResponse, mfa + " Covers the portal; confirm MFA on every other access into the CDE.", Source, now),
            new("8.4.3", mfaResponse, mfa + " The portal is reached over the network, so this is remote access with MFA.", Source, now),
            new("8.2.8", SaqResponse.InPlace,
                $"The portal ends a session after {settings.EffectiveIdleTimeout.TotalMinutes:0} minutes without use, open pages included, " +
                "and asks for sign-in again (never longer than 15 minutes).", Source, now),
            new("8.3.4", SaqResponse.InPlace,
                $"The portal locks an account after {settings.EffectiveMaxFailedAttempts} failed attempts for " +
                $"{settings.EffectiveLockoutDuration.TotalMinutes:0} minutes (at most 10 attempts, at least 30 minutes).", Source, now),
            new("8.3.6", SaqResponse.InPlace,
                $"Portal passwords need at least {PasswordPolicy.MinimumLength} characters with letters and digits and are checked " +
                "against a list of common passwords.", Source, now),
        ];
    }
}

/// <summary>
/// Evidence for 9.5.1, 9.5.1.1 and 9.5.1.2 from the terminal inventory and the tamper state the terminals report at
/// every check-in. Sensors do not replace the periodic physical inspections: the explanations say so.
/// </summary>
internal sealed class DeviceInventoryEvidenceSource(DeviceDirectory devices, TimeProvider clock) : IComplianceEvidenceSource
{
    private const string Source = "Portal device inventory";
    private static readonly TimeSpan RecentlySeen = TimeSpan.FromDays(7);

    public string Name => "Devices";

    public async Task<IReadOnlyList<EvidenceFinding>> CollectAsync(Guid merchantId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var terminals = await devices.ListInServiceAsync(EvidenceScope.For(merchantId), merchantId, cancellationToken);
        if (terminals.Count == 0)
        {
            return
            [
                new("9.5.1.1", SaqResponse.NotInPlace,
                    "The portal lists no terminal in service for this merchant: enroll every POI device so the inventory is complete.", Source, now),
            ];
        }

        var tampered = terminals.Where(t => t.TamperState == TamperState.Tampered).Select(t => t.SerialNumber).ToList();
        var silent = terminals.Where(t => t.LastSeenAt is not { } seen || now - seen > RecentlySeen).Select(t => t.SerialNumber).ToList();
        var models = string.Join(", ", terminals.GroupBy(t => $"{t.Manufacturer} {t.Model}".Trim()).Select(g => $"{g.Count()} × {g.Key}"));

        var inventory = new EvidenceFinding("9.5.1.1", SaqResponse.InPlace,
            $"The portal keeps an up-to-date list of {terminals.Count} terminals in service ({models}) with serial number, store and " +
            "last check-in; terminals are added by enrollment and removed when retired.", Source, now);
        var inspection = tampered.Count > 0
            ? new EvidenceFinding("9.5.1.2", SaqResponse.NotInPlace,
                $"{tampered.Count} terminals report tampering now ({string.Join(", ", tampered.Take(8))}): inspect and replace them.", Source, now)
            : silent.Count > 0
                ? new EvidenceFinding("9.5.1.2", SaqResponse.NotInPlace,
                    $"{silent.Count} terminals have not checked in for {RecentlySeen.TotalDays:0} days ({string.Join(", ", silent.Take(8))}), " +
                    "so their tamper state is unknown: locate and inspect them.", Source, now)
                : new EvidenceFinding("9.5.1.2", SaqResponse.InPlace,
                    $"All {terminals.Count} terminals checked in within {RecentlySeen.TotalDays:0} days and report no tampering. " +
                    "Keep doing the periodic physical inspections (see the tamper inspection checklist).", Source, now);
        var overall = new EvidenceFinding("9.5.1", tampered.Count == 0 ? SaqResponse.InPlace : SaqResponse.NotInPlace,
            tampered.Count == 0
                ? $"{terminals.Count} POI terminals are inventoried and monitored for tampering at every check-in."
                : $"{tampered.Count} terminals report tampering: see 9.5.1.2.", Source, now);
        return [overall, inventory, inspection];
    }
}

/// <summary>Evidence for 6.3.3 from Patching: critical releases installed within one month, and devices overdue now.</summary>
internal sealed class PatchLatencyEvidenceSource(PatchComplianceReports reports, TimeProvider clock) : IComplianceEvidenceSource
{
    private const string Source = "Portal patch compliance";

    public string Name => "Patching";

    public async Task<IReadOnlyList<EvidenceFinding>> CollectAsync(Guid merchantId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var overview = await reports.GetOverviewAsync(EvidenceScope.For(merchantId), merchantId, cancellationToken);
        var latency = overview.Latency.FirstOrDefault(l => l.MerchantId == merchantId);
        var overdue = overview.Total.Overdue;
        if (overdue > 0)
        {
            return
            [
                new("6.3.3", SaqResponse.NotInPlace,
                    $"{overdue} terminals run versions older than an active patch policy requires, past its deadline.", Source, now),
            ];
        }

        if (latency is not { CriticalInstalls: > 0 } measured)
        {
            return
            [
                new("6.3.3", SaqResponse.NotInPlace,
                    "The portal has no installs of critical releases on record for the last 12 months, so it cannot show they were " +
                    "installed within one month: record releases and activate patch policies, or answer from other evidence.", Source, now),
            ];
        }

        var late = measured.CriticalInstalls - measured.CriticalWithinDeadline;
        return
        [
            new("6.3.3", late == 0 ? SaqResponse.InPlace : SaqResponse.NotInPlace,
                $"{measured.CriticalWithinDeadline} of {measured.CriticalInstalls} installs of critical releases in the last 12 months " +
                $"happened within one month of the release (median {measured.MedianDays:0.#} days, longest {measured.MaxDays:0.#} days)" +
                (late == 0 ? "; no terminal is overdue." : $"; {late} were late."), Source, now),
        ];
    }
}
