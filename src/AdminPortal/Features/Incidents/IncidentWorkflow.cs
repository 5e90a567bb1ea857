using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.CardData;

namespace AdminPortal.Features.Incidents;

/// <summary>
/// The workflow and its role rules, in one place and without a database so that they read (and test) as a table.
/// <list type="bullet">
/// <item>Phases follow NIST SP 800-61: new → triage → containment → eradication → recovery → closed. A ticket moves one
/// phase forward at a time; it may also be closed from triage onward (a false alarm found in triage needs no
/// containment), and a closed ticket may be reopened into triage.</item>
/// <item>Closing needs a resolution summary and a root cause.</item>
/// <item>Support agents (of the merchant) and platform admins run the workflow, assign, change severity and links.</item>
/// <item>Merchant owners report, follow and comment, and may reopen a closed incident of their merchant: they are the
/// first to see a problem come back, but triage, containment and closure are the provider's incident-response
/// decisions (and what the SLA measures), so those stay with staff. Compliance officers read.</item>
/// </list>
/// </summary>
public static class IncidentWorkflow
{
    public const int MaxTitleLength = 200;
    public const int MaxTextLength = 4000;

    private static readonly MerchantRole[] Staff = [MerchantRole.SupportAgent];
    private static readonly MerchantRole[] Participants = [MerchantRole.SupportAgent, MerchantRole.Owner];

    /// <summary>Where an incident in <paramref name="from"/> may go next (for anyone).</summary>
    public static IReadOnlyList<IncidentStatus> NextStatuses(IncidentStatus from) => from switch
    {
        IncidentStatus.New => [IncidentStatus.Triage],
        IncidentStatus.Triage => [IncidentStatus.Containment, IncidentStatus.Closed],
        IncidentStatus.Containment => [IncidentStatus.Eradication, IncidentStatus.Closed],
        IncidentStatus.Eradication => [IncidentStatus.Recovery, IncidentStatus.Closed],
        IncidentStatus.Recovery => [IncidentStatus.Closed],
        IncidentStatus.Closed => [IncidentStatus.Triage],
        _ => [],
    };

    public const string CardNumberMessage = "Remove the card number: the portal never stores one (use the last four digits).";

    /// <summary>Free text (titles, descriptions, comments, reasons) must not carry a card number (PCI DSS 3.4).</summary>
    public static string? CardNumberRefusal(params string?[] texts) =>
        texts.Any(t => t is not null && PanScanner.ContainsPan(t)) ? CardNumberMessage : null;

    public static bool IsStaff(AccessScope scope, Guid merchantId) => scope.PersonId is not null && scope.Has(merchantId, Staff);

    /// <summary>Report a new incident or comment: owners and staff; compliance officers only read.</summary>
    public static bool CanParticipate(AccessScope scope, Guid merchantId) => scope.PersonId is not null && scope.Has(merchantId, Participants);

    /// <summary>Assignment, severity and links are triage decisions: staff only.</summary>
    public static bool CanManage(AccessScope scope, Guid merchantId) => IsStaff(scope, merchantId);

    public static bool IsReopen(IncidentStatus from, IncidentStatus to) => from == IncidentStatus.Closed && to != IncidentStatus.Closed;

    /// <summary>The transitions this person may make now (empty for readers).</summary>
    public static IReadOnlyList<IncidentStatus> AllowedTransitions(AccessScope scope, Guid merchantId, IncidentStatus from)
    {
        if (IsStaff(scope, merchantId))
        {
            return NextStatuses(from);
        }

        return CanParticipate(scope, merchantId) ? NextStatuses(from).Where(to => IsReopen(from, to)).ToList() : [];
    }

    /// <summary>Checks a transition and its required fields; null when it may go ahead, otherwise the reason in words.</summary>
    public static string? Refusal(AccessScope scope, Guid merchantId, IncidentStatus from, IncidentStatus to, string? resolutionSummary, string? rootCause,
        string? reason)
    {
        if (!NextStatuses(from).Contains(to))
        {
            return $"An incident in {IncidentText.Describe(from).ToLowerInvariant()} cannot move to {IncidentText.Describe(to).ToLowerInvariant()}.";
        }

        if (!AllowedTransitions(scope, merchantId, from).Contains(to))
        {
            return IsReopen(from, to)
                ? "Only the merchant's owners, its support agents and platform admins may reopen an incident."
                : "Only the merchant's support agents and platform admins move an incident through its phases.";
        }

        if (to == IncidentStatus.Closed)
        {
            if (string.IsNullOrWhiteSpace(resolutionSummary) || string.IsNullOrWhiteSpace(rootCause))
            {
                return "Closing needs a resolution summary and a root cause.";
            }

            if (resolutionSummary.Trim().Length > MaxTextLength || rootCause.Trim().Length > MaxTextLength)
            {
                return $"The resolution summary and root cause may have at most {MaxTextLength} characters each.";
            }
        }

        if (IsReopen(from, to) && string.IsNullOrWhiteSpace(reason))
        {
            return "Say why the incident is reopened.";
        }

        return reason?.Trim().Length > MaxTextLength
            ? $"The reason may have at most {MaxTextLength} characters."
            : CardNumberRefusal(resolutionSummary, rootCause, reason);
    }
}
