using AdminPortal.Features.Patching;

namespace AdminPortal.Tests.Patching;

public sealed class VersionComparisonTests
{
    [Theory]
    [InlineData("4.10", "4.9", 1)]
    [InlineData("4.9", "4.10", -1)]
    [InlineData("4.2", "4.2.0", 0)]
    [InlineData("4.2.0.0", "4.2", 0)]
    [InlineData("13", "12.9.9", 1)]
    [InlineData("2024.11.0.7", "2024.11.0.10", -1)]
    [InlineData("1.0.1", "1.0.0", 1)]
    [InlineData("007.1", "7.1", 0)]
    public void Compares_number_by_number(string left, string right, int expected)
    {
        Assert.Equal(expected, Math.Sign(PatchVersion.Parse(left).CompareTo(PatchVersion.Parse(right))));
        Assert.Equal(expected, Math.Sign(PatchVersion.Compare(left, right)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("4.2-rc1")]
    [InlineData("a.b")]
    [InlineData("1..2")]
    [InlineData(".1")]
    [InlineData("1.")]
    [InlineData("-1.2")]
    [InlineData("1.2.3.4.5.6.7")]
    [InlineData("1 .2")]
    public void Refuses_what_is_not_a_dotted_numeric_version(string text)
    {
        Assert.False(PatchVersion.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void Keeps_the_text_as_written_and_trims_it()
    {
        var version = PatchVersion.Parse(" 4.2.10 ");
        Assert.Equal("4.2.10", version.Text);
        Assert.Equal([4L, 2L, 10L], version.Parts);
    }

    [Fact]
    public void Equal_versions_hash_alike_so_they_group_together()
    {
        var set = new HashSet<PatchVersion> { PatchVersion.Parse("4.2"), PatchVersion.Parse("4.2.0"), PatchVersion.Parse("4.2.0.0") };
        Assert.Single(set);
        Assert.True(PatchVersion.Parse("4.2") == PatchVersion.Parse("4.2.0"));
    }

    [Fact]
    public void Sorts_a_release_list_the_way_people_expect()
    {
        var sorted = new[] { "1.10", "1.2", "1.9.1", "1.1", "2.0" }.OrderBy(v => PatchVersion.Parse(v));
        Assert.Equal(["1.1", "1.2", "1.9.1", "1.10", "2.0"], sorted);
    }

    [Theory]
    [InlineData("4.2.1", "4.2.1", true)]
    [InlineData("4.2.2", "4.2.1", true)]
    [InlineData("4.2", "4.2.1", false)]
    [InlineData(null, "4.2.1", false)]
    [InlineData("garbage", "1.0", false)]
    public void Satisfies_a_minimum_only_with_a_valid_version_at_or_above_it(string? reported, string minimum, bool expected) =>
        Assert.Equal(expected, PatchVersion.Satisfies(reported, minimum));

    [Fact]
    public void An_unparsable_version_sorts_before_every_valid_one()
    {
        Assert.True(PatchVersion.Compare("oops", "0.0.1") < 0);
        Assert.True(PatchVersion.Compare("0.0.1", "oops") > 0);
    }
}
