using AdminPortal.Features.Patching.Pages;
using AdminPortal.Tests.TestSupport;
using Bunit;

namespace AdminPortal.Tests.Patching;

public sealed class PatchingTabsTests : PortalComponentTest
{
    [Fact]
    public void The_open_section_is_marked_current_and_every_section_stays_a_working_link()
    {
        var tabs = Render<PatchingTabs>(p => p.Add(t => t.Title, "Patch policies").Add(t => t.Current, "policies"));

        var links = tabs.FindAll("[aria-label='Patching sections'] a");
        Assert.Equal(["patching", "patching/policies", "patching/releases"], links.Select(a => a.GetAttribute("href")));
        Assert.All(links, a => Assert.False(a.HasAttribute("disabled") || a.ClassList.Contains("mud-disabled")));
        var current = Assert.Single(links, a => a.GetAttribute("aria-current") == "page");
        Assert.Equal("Policies", current.TextContent.Trim());
        Assert.Contains("mud-button-filled", current.ClassName);
    }
}
