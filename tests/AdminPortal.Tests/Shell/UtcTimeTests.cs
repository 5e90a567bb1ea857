using AdminPortal.Components.Layout;

namespace AdminPortal.Tests.Shell;

public sealed class UtcTimeTests
{
    [Fact]
    public void The_date_and_the_time_are_each_kept_whole_in_utc()
    {
        var berlinEvening = new DateTimeOffset(2026, 12, 1, 23, 5, 9, TimeSpan.FromHours(1));

        Assert.Equal("<span class=\"nowrap\">2026-12-01</span> <span class=\"nowrap\">22:05 UTC</span>", UtcTime.Cell(berlinEvening).Value);
        Assert.Equal("<span class=\"nowrap\">2026-12-01</span> <span class=\"nowrap\">22:05:09</span>",
            UtcTime.Cell(berlinEvening, seconds: true, suffix: false).Value);
    }
}
