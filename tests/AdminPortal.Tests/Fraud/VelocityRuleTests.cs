using AdminPortal.Features.Fraud.Scoring;

namespace AdminPortal.Tests.Fraud;

public sealed class VelocityRuleTests
{
    [Fact]
    public void The_sixth_use_of_a_card_within_ten_minutes_hits_and_explains_the_counts()
    {
        var kit = new RuleTestKit();
        var five = kit.ScoreAll(Enumerable.Range(0, 5).Select(i => kit.Event(RuleTestKit.Start.AddMinutes(i))));
        var sixth = kit.Score(kit.Event(RuleTestKit.Start.AddMinutes(5)));

        Assert.DoesNotContain("card-velocity", RuleTestKit.Rules(five));
        var hit = Assert.Single(sixth.Hits, h => h.RuleId == "card-velocity");
        Assert.Equal("Card ending 1111 was used 6 times for 75.00 EUR within 10 minutes (limits: 5 transactions, 1000.00 EUR).", hit.Explanation);
        Assert.True(sixth.Alerts);
    }

    [Fact]
    public void Uses_outside_the_sliding_window_do_not_count()
    {
        var kit = new RuleTestKit();
        kit.ScoreAll(Enumerable.Range(0, 5).Select(i => kit.Event(RuleTestKit.Start.AddMinutes(i))));

        var later = kit.Score(kit.Event(RuleTestKit.Start.AddMinutes(10.5)));

        Assert.DoesNotContain("card-velocity", RuleTestKit.Rules(later));
    }

    [Fact]
    public void A_large_total_on_one_card_hits_even_with_few_transactions()
    {
        var kit = new RuleTestKit();
        kit.Score(kit.Event(RuleTestKit.Start, amount: 60_000));

        var second = kit.Score(kit.Event(RuleTestKit.Start.AddMinutes(2), amount: 50_000));

        Assert.Contains("card-velocity", RuleTestKit.Rules(second));
    }

    [Fact]
    public void Different_cards_do_not_add_up_but_one_terminal_does()
    {
        var kit = new RuleTestKit();
        var results = Enumerable.Range(0, 31).Select(i => kit.Score(kit.Event(RuleTestKit.Start.AddSeconds(5 * i), card: $"tok_card_{i}"))).ToList();

        Assert.All(results, r => Assert.DoesNotContain("card-velocity", RuleTestKit.Rules(r)));
        Assert.DoesNotContain("device-velocity", RuleTestKit.Rules(results[29]));
        var hit = Assert.Single(results[30].Hits, h => h.RuleId == "device-velocity");
        Assert.StartsWith("The terminal took 31 transactions", hit.Explanation);
    }

    [Fact]
    public void Late_events_are_counted_in_the_window_they_belong_to()
    {
        var kit = new RuleTestKit();
        // An offline terminal delivers out of order: the sixth use arrives first, then the five before it.
        kit.Score(kit.Event(RuleTestKit.Start.AddHours(2)));
        kit.ScoreAll(Enumerable.Range(0, 4).Select(i => kit.Event(RuleTestKit.Start.AddMinutes(i))));

        var fifth = kit.Score(kit.Event(RuleTestKit.Start.AddMinutes(4)));
        var sixth = kit.Score(kit.Event(RuleTestKit.Start.AddMinutes(5)));

        Assert.DoesNotContain("card-velocity", RuleTestKit.Rules(fifth));
        Assert.Contains("card-velocity", RuleTestKit.Rules(sixth));
    }

    [Fact]
    public void A_disabled_rule_never_hits_and_a_tuned_limit_is_used()
    {
        var off = new RuleTestKit(RuleTestKit.With("card-velocity", r => r with { Enabled = false }));
        var strict = new RuleTestKit(RuleTestKit.With("card-velocity", r => r with { Parameters = new Dictionary<string, double>(r.Parameters) { ["maxCount"] = 1 } }));

        var offResult = off.ScoreAll(Enumerable.Range(0, 8).Select(i => off.Event(RuleTestKit.Start.AddMinutes(i))));
        strict.Score(strict.Event(RuleTestKit.Start));
        var strictResult = strict.Score(strict.Event(RuleTestKit.Start.AddMinutes(1)));

        Assert.DoesNotContain("card-velocity", RuleTestKit.Rules(offResult));
        Assert.Contains("card-velocity", RuleTestKit.Rules(strictResult));
    }

    [Fact]
    public void A_shadow_rule_records_its_hit_and_what_would_have_alerted_without_scoring()
    {
        var kit = new RuleTestKit(RuleTestKit.With("card-velocity", r => r with { Shadow = true }));

        var sixth = kit.ScoreAll(Enumerable.Range(0, 6).Select(i => kit.Event(RuleTestKit.Start.AddMinutes(i))));

        var hit = Assert.Single(sixth.Hits);
        Assert.True(hit.Shadow);
        Assert.Equal(0, sixth.Score);
        Assert.False(sixth.Alerts);
        Assert.True(sixth.WouldAlert);
    }
}
