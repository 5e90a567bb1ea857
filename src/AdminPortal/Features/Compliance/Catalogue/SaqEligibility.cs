namespace AdminPortal.Features.Compliance.Catalogue;

/// <summary>How the merchant takes card payments: the few facts that decide which SAQ fits (settable: the start form binds to it).</summary>
public sealed record PaymentEnvironment
{
    public bool StoresAccountDataElectronically { get; set; }
    public bool AcceptsEcommerce { get; set; }
    public bool UsesValidatedP2peSolution { get; set; }
    public bool UsesValidatedSpocSolution { get; set; }
    public bool UsesStandaloneIpTerminalsOnly { get; set; }
    public bool PaymentSystemIsolatedFromOtherSystems { get; set; }
}

public sealed record EligibilityAdvice(string SaqCode, string Reason);

/// <summary>
/// A short helper, not a ruling: it picks the shortest SAQ whose eligibility criteria the answers meet. The acquirer
/// decides; the officer confirms every criterion listed in the chosen SAQ.
/// </summary>
public static class SaqEligibility
{
    public static EligibilityAdvice Recommend(PaymentEnvironment environment)
    {
        if (environment.StoresAccountDataElectronically || environment.AcceptsEcommerce)
        {
            return new("D", "Account data is stored electronically or taken online: none of the card-present SAQs fits, so SAQ D for Merchants applies.");
        }

        if (environment.UsesValidatedP2peSolution)
        {
            return new("P2PE", "Every payment goes through terminals of a validated P2PE solution: SAQ P2PE is the shortest fit.");
        }

        if (environment.UsesValidatedSpocSolution)
        {
            return new("SPoC", "Payments are taken on phones or tablets with a secure card reader of a validated SPoC solution: SAQ SPoC fits.");
        }

        if (!environment.PaymentSystemIsolatedFromOtherSystems)
        {
            return new("D", "The payment system shares a network with other systems without segmentation: only SAQ D for Merchants fits.");
        }

        return environment.UsesStandaloneIpTerminalsOnly
            ? new("B-IP", "Only standalone PTS-approved terminals connected over IP and isolated from other systems: SAQ B-IP fits.")
            : new("C", "A payment application on an isolated, internet-connected system without electronic storage: SAQ C fits.");
    }
}
