using System.Text.Json;
using AdminPortal.Features.Compliance.Catalogue;

namespace AdminPortal.Tests.Compliance;

public sealed class CatalogueStructureTests
{
    private static readonly SaqCatalogue Catalogue = SaqCatalogue.Load();

    public static TheoryData<string> SaqCodes => new(Catalogue.Saqs.Select(s => s.Code));

    [Fact]
    public void The_catalogue_holds_the_five_SAQ_types_mpos_merchants_use()
    {
        Assert.Equal(["P2PE", "SPoC", "B-IP", "C", "D"], Catalogue.Saqs.Select(s => s.Code));
        Assert.All(Catalogue.Saqs, s => Assert.Equal("4.0.1", s.PciDssVersion));
    }

    [Fact]
    public void The_standard_lists_each_requirement_once_in_official_order_with_a_summary()
    {
        var numbers = Catalogue.Standard.Requirements.Select(r => r.Number).ToList();
        Assert.Equal(numbers.Count, numbers.Distinct().Count());
        Assert.Equal(numbers.OrderBy(n => n, RequirementOrder.Instance), numbers);
        Assert.All(Catalogue.Standard.Requirements, r =>
        {
            Assert.False(string.IsNullOrWhiteSpace(r.Summary), r.Number);
            Assert.StartsWith(r.Principal + ".", r.Number);
        });
        Assert.Contains(Catalogue.Standard.Sources, s => s.Url.StartsWith("https://", StringComparison.Ordinal) && s.Title.Contains("v4.0.1"));
    }

    [Theory, MemberData(nameof(SaqCodes))]
    public void Each_SAQ_asks_known_requirements_once_in_official_order_grouped_by_section(string code)
    {
        var saq = Catalogue.Get(code);
        var numbers = saq.RequirementNumbers.ToList();
        Assert.NotEmpty(numbers);
        Assert.Equal(numbers.Count, numbers.Distinct().Count());
        Assert.Equal(numbers.OrderBy(n => n, RequirementOrder.Instance), numbers);
        Assert.All(numbers, n => Assert.NotNull(Catalogue.Requirement(n)));
        Assert.All(saq.Sections, section =>
        {
            Assert.NotEmpty(section.Requirements);
            Assert.All(section.Requirements, n => Assert.StartsWith(section.Number + ".", n));
            Assert.Contains(Catalogue.Principal(section.Number).Title, section.Title);
        });
    }

    [Theory, MemberData(nameof(SaqCodes))]
    public void Each_SAQ_allows_its_official_responses_and_records_sources_and_aoc_parts(string code)
    {
        var saq = Catalogue.Get(code);
        SaqResponse[] expected = code == "D"
            ? [SaqResponse.InPlace, SaqResponse.InPlaceWithCcw, SaqResponse.NotApplicable, SaqResponse.NotTested, SaqResponse.NotInPlace]
            : [SaqResponse.InPlace, SaqResponse.InPlaceWithCcw, SaqResponse.NotApplicable, SaqResponse.NotInPlace];
        Assert.Equal(expected, saq.Responses);
        Assert.Contains(saq.Sources, s => s.Title.Contains("PCI DSS v4.0.1 Self-Assessment Questionnaire") && s.Revision is not null);
        Assert.All(saq.Sources, s => Assert.StartsWith("https://", s.Url));
        Assert.NotEmpty(saq.Eligibility);
        Assert.False(string.IsNullOrWhiteSpace(saq.Verification));
        Assert.Equal(["1", "2", "2a", "2b", "2c", "2d", "2e", "2f", "2g", "3", "4"], saq.AocParts.Select(p => p.Part));
    }

    [Theory, MemberData(nameof(SaqCodes))]
    public void Merchant_SAQs_leave_out_service_provider_only_requirements(string code)
    {
        var serviceProviderOnly = Catalogue.Standard.Requirements.Where(r => r.Summary.Contains("(service providers only)")).Select(r => r.Number).ToList();
        Assert.NotEmpty(serviceProviderOnly);
        Assert.Empty(Catalogue.Get(code).RequirementNumbers.Intersect(serviceProviderOnly));
    }

    [Fact]
    public void Shorter_SAQs_are_subsets_of_SAQ_D_and_carry_the_POI_requirements()
    {
        var d = Catalogue.Get("D").RequirementNumbers.ToHashSet();
        foreach (var saq in Catalogue.Saqs)
        {
            Assert.Subset(d, saq.RequirementNumbers.ToHashSet());
            Assert.Contains("9.5.1.3", saq.RequirementNumbers);
            Assert.Contains("12.10.1", saq.RequirementNumbers);
        }

        Assert.True(Catalogue.Get("P2PE").RequirementNumbers.Count() < Catalogue.Get("B-IP").RequirementNumbers.Count());
        Assert.True(Catalogue.Get("C").RequirementNumbers.Count() < d.Count);
    }

    [Fact]
    public void The_files_use_only_known_fields()
    {
        // A misspelt key would silently deserialise to nothing; read the raw JSON to catch it.
        string[] known = ["code", "name", "pciDssVersion", "description", "eligibility", "responses", "sources", "verification", "aocParts", "sections"];
        foreach (var file in SaqCatalogue.Files)
        {
            using var json = JsonDocument.Parse(SaqCatalogue.ReadText(file));
            Assert.All(json.RootElement.EnumerateObject(), p => Assert.Contains(p.Name, known));
        }
    }

    /// <summary>Orders "1.2.10" after "1.2.9" and appendix numbers (A2.1.1) after requirement 12.</summary>
    private sealed class RequirementOrder : IComparer<string>
    {
        public static readonly RequirementOrder Instance = new();

        public int Compare(string? x, string? y)
        {
            var a = Key(x!);
            var b = Key(y!);
            for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
            {
                if (a[i] != b[i])
                {
                    return a[i].CompareTo(b[i]);
                }
            }

            return a.Length.CompareTo(b.Length);
        }

        private static int[] Key(string number) =>
            number.StartsWith('A') ? [100 + int.Parse(number[1..2]), .. number[3..].Split('.').Select(int.Parse)] : number.Split('.').Select(int.Parse).ToArray();
    }
}
