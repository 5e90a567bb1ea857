using AdminPortal.Features.Accounts;
using AdminPortal.Features.Accounts.WebAuthn;
using AdminPortal.Features.Merchants.People;

namespace AdminPortal.Features.Incidents.Sources;

/// <summary>
/// A WebAuthn signature counter going backwards suggests the person's key was cloned: a portal-level security event,
/// not a merchant's. Incidents belong to merchants, so one incident is opened in every merchant where the person holds
/// a role (each merchant's owners and support agents must know that someone with access to their data may be
/// impersonated, and each works its own ticket). A person with no merchant role (provider staff) opens none: the event
/// stays in the audit log under "authentication", and platform admins see it there.
/// </summary>
internal sealed class CounterRegressionIncidents(IServiceProvider services, ILogger<CounterRegressionIncidents> logger) : ICounterRegressionObserver
{
    public async Task OnCounterRegressionAsync(CounterRegression regression, CancellationToken cancellationToken)
    {
        // Resolved here, not injected: WebAuthn ceremonies → this observer → memberships → step-up → WebAuthn ceremonies
        // would be a constructor cycle.
        var incidents = services.GetRequiredService<IncidentStore>();
        var memberships = services.GetRequiredService<MerchantMemberships>();
        var people = services.GetRequiredService<PersonDirectory>();
        var person = await people.FindAsync(regression.PersonId, cancellationToken);
        var name = person is null ? regression.PersonId.ToString("D") : $"{person.DisplayName} <{person.Email}>";
        var grants = await memberships.GrantsOfAsync(regression.PersonId, cancellationToken);
        if (grants.Count == 0)
        {
            logger.LogWarning("WebAuthn counter regression of {PersonId}, who holds no merchant role: no merchant incident opened", regression.PersonId);
            return;
        }

        foreach (var merchantId in grants.Select(g => g.MerchantId).Distinct())
        {
            var roles = string.Join(", ", grants.Where(g => g.MerchantId == merchantId).Select(g => MerchantMemberships.Describe(g.Role).ToLowerInvariant()));
            await incidents.OpenAutomaticallyAsync(new AutomaticIncident(
                merchantId,
                IncidentSource.CounterRegression,
                $"webauthn-clone:{regression.CredentialId:D}",
                $"Possible cloned security key of {person?.DisplayName ?? "a portal user"}",
                IncidentType.Other,
                IncidentSeverity.Sev2,
                $"The security key \"{regression.KeyName}\" of {name} presented signature counter {regression.PresentedCounter} after " +
                $"{regression.StoredCounter} at {regression.At:yyyy-MM-dd HH:mm:ss} UTC" +
                (regression.IpAddress is null ? "" : $" from {regression.IpAddress}") +
                ". Authenticators count up; a counter going back means a second copy of the key may exist. The sign-in was refused. " +
                "Confirm with the person, remove the key from their account and have them enroll a new one.",
                [],
                $"Opened automatically. The person holds a role in this merchant ({roles}); the same event opened an incident in every merchant " +
                "where they hold one, because a cloned key would give access to each of them.",
                $"The same key presented a regressed counter again ({regression.PresentedCounter} after {regression.StoredCounter}) at " +
                $"{regression.At:yyyy-MM-dd HH:mm:ss} UTC."),
                ct: cancellationToken);
        }
    }
}
