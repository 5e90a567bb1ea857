using AdminPortal.Features.Fraud.Scoring;
using AdminPortal.Features.Fraud;

namespace AdminPortal.Tests.Fraud;

public sealed class OutsideStoreHoursRuleTests
{
    [Fact]
    public void A_sale_at_night_in_the_stores_time_zone_hits_and_one_in_opening_hours_does_not()
    {
        var kit = new RuleTestKit();
        // 19:45 UTC on a Tuesday in November is 20:45 in Berlin: within the 30-minute grace after closing at 20:00.
        var inGrace = kit.Score(kit.Event(new DateTimeOffset(2026, 11, 24, 19, 15, 0, TimeSpan.Zero)));
        // 02:30 UTC is 03:30 in Berlin.
        var night = kit.Score(kit.Event(new DateTimeOffset(2026, 11, 25, 2, 30, 0, TimeSpan.Zero), card: "tok_night"));
        // Sunday, closed all day.
        var sunday = kit.Score(kit.Event(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero), card: "tok_sunday"));

        Assert.DoesNotContain("outside-hours", RuleTestKit.Rules(inGrace));
        var hit = Assert.Single(night.Hits, h => h.RuleId == "outside-hours");
        Assert.Equal("Berlin Mitte was closed: the transaction happened at Wed 03:30 local time (Europe/Berlin).", hit.Explanation);
        Assert.Contains("outside-hours", RuleTestKit.Rules(sunday));
    }

    [Fact]
    public void Summer_time_is_respected()
    {
        var kit = new RuleTestKit();
        // 07:30 UTC on a July Tuesday is 09:30 in Berlin (UTC+2): open. In winter the same UTC time would be 08:30: closed.
        var summer = kit.Score(kit.Event(new DateTimeOffset(2026, 7, 7, 7, 30, 0, TimeSpan.Zero)));
        var winter = kit.Score(kit.Event(new DateTimeOffset(2026, 11, 24, 7, 0, 0, TimeSpan.Zero), card: "tok_w"));

        Assert.DoesNotContain("outside-hours", RuleTestKit.Rules(summer));
        Assert.Contains("outside-hours", RuleTestKit.Rules(winter));
    }
}

public sealed class FarFromStoreRuleTests
{
    [Fact]
    public void A_terminal_far_from_its_store_hits_and_one_nearby_does_not()
    {
        var kit = new RuleTestKit();
        var nearby = kit.Score(kit.Event(RuleTestKit.Start, location: new GeoPoint(52.50, 13.40)));
        var hamburg = kit.Score(kit.Event(RuleTestKit.Start.AddHours(1), card: "tok_h", location: new GeoPoint(53.553, 9.929)));
        var unknown = kit.Score(kit.Event(RuleTestKit.Start.AddHours(2), card: "tok_u"));

        Assert.DoesNotContain("far-from-store", RuleTestKit.Rules(nearby));
        var hit = Assert.Single(hamburg.Hits, h => h.RuleId == "far-from-store");
        Assert.Equal("The terminal was 258 km from Berlin Mitte (limit 50 km).", hit.Explanation);
        Assert.DoesNotContain("far-from-store", RuleTestKit.Rules(unknown));
    }
}

public sealed class ImpossibleTravelRuleTests
{
    private static readonly GeoPoint Seattle = new(47.61, -122.34);

    [Fact]
    public void One_card_in_Berlin_and_Seattle_an_hour_apart_hits()
    {
        var kit = new RuleTestKit(RuleTestKit.With("far-from-store", r => r with { Enabled = false }));
        kit.Score(kit.Event(RuleTestKit.Start, card: "tok_traveller", location: RuleTestKit.Berlin));

        var seattle = kit.Score(kit.Event(RuleTestKit.Start.AddHours(1), card: "tok_traveller", location: Seattle, device: Guid.NewGuid()));

        var hit = Assert.Single(seattle.Hits, h => h.RuleId == "impossible-travel");
        Assert.StartsWith("Card ending 1111 was used 8", hit.Explanation);
        Assert.True(seattle.Alerts);
    }

    [Fact]
    public void A_flight_fast_enough_to_be_real_does_not_hit()
    {
        var kit = new RuleTestKit(RuleTestKit.With("far-from-store", r => r with { Enabled = false }));
        kit.Score(kit.Event(RuleTestKit.Start, card: "tok_flyer", location: RuleTestKit.Berlin));

        var seattle = kit.Score(kit.Event(RuleTestKit.Start.AddHours(12), card: "tok_flyer", location: Seattle));
        var otherCard = kit.Score(kit.Event(RuleTestKit.Start.AddHours(12).AddMinutes(1), card: "tok_other", location: RuleTestKit.Berlin));

        Assert.DoesNotContain("impossible-travel", RuleTestKit.Rules(seattle));
        Assert.DoesNotContain("impossible-travel", RuleTestKit.Rules(otherCard));
    }
}

public sealed class AlertRouterTests
{
    [Fact]
    public void Related_hits_join_the_open_alert_within_the_window_and_open_a_new_one_after_it_or_after_a_decision()
    {
        var kit = new RuleTestKit();
        var router = new AlertRouter();
        var window = TimeSpan.FromMinutes(60);
        var burst = Enumerable.Range(0, 7).Select(i => kit.Score(kit.Event(RuleTestKit.Start.AddMinutes(i)))).ToList();

        var opened = router.Route(burst[5], window, Guid.NewGuid);
        Assert.True(burst[5].Alerts, string.Join(" | ", burst[5].Hits));
        var joined = router.Route(burst[6], window, Guid.NewGuid);
        var quiet = router.Route(burst[0], window, Guid.NewGuid);

        Assert.Equal(AlertAction.Open, opened.Action);
        Assert.Equal(AlertAction.Join, joined.Action);
        Assert.Same(opened.Alert, joined.Alert);
        Assert.Equal(2, joined.Alert!.HitCount);
        Assert.Equal(AlertAction.None, quiet.Action);

        var muchLater = Enumerable.Range(0, 6).Select(i => kit.Score(kit.Event(RuleTestKit.Start.AddHours(3).AddMinutes(i)))).ToList()[^1];
        var fresh = router.Route(muchLater, window, Guid.NewGuid);
        Assert.True(muchLater.Alerts, string.Join(" | ", muchLater.Hits) + muchLater.Score);
        Assert.Equal(AlertAction.Open, fresh.Action);
        Assert.NotEqual(opened.Alert!.Id, fresh.Alert!.Id);

        router.Close(RuleTestKit.Merchant, fresh.Alert.Id);
        var afterDecision = router.Route(kit.Score(kit.Event(RuleTestKit.Start.AddHours(3).AddMinutes(7))), window, Guid.NewGuid);
        Assert.Equal(AlertAction.Open, afterDecision.Action);
    }
}
