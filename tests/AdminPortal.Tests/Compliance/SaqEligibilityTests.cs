using AdminPortal.Features.Compliance.Catalogue;

namespace AdminPortal.Tests.Compliance;

public sealed class SaqEligibilityTests
{
    [Theory]
    [InlineData(false, false, true, false, false, true, "P2PE")]
    [InlineData(false, false, false, true, false, true, "SPoC")]
    [InlineData(false, false, false, false, true, true, "B-IP")]
    [InlineData(false, false, false, false, false, true, "C")]
    [InlineData(false, false, false, false, true, false, "D")]
    [InlineData(true, false, true, false, false, true, "D")]
    [InlineData(false, true, true, false, false, true, "D")]
    public void Recommends_the_shortest_SAQ_whose_criteria_are_met(bool stores, bool ecommerce, bool p2pe, bool spoc, bool standaloneIp, bool isolated, string expected)
    {
        var advice = SaqEligibility.Recommend(new PaymentEnvironment
        {
            StoresAccountDataElectronically = stores, AcceptsEcommerce = ecommerce, UsesValidatedP2peSolution = p2pe,
            UsesValidatedSpocSolution = spoc, UsesStandaloneIpTerminalsOnly = standaloneIp, PaymentSystemIsolatedFromOtherSystems = isolated,
        });
        Assert.Equal(expected, advice.SaqCode);
        Assert.NotNull(SaqCatalogue.Default.Find(advice.SaqCode));
        Assert.False(string.IsNullOrWhiteSpace(advice.Reason));
    }
}
