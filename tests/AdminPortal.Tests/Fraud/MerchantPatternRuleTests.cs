using AdminPortal.Features.Fraud;
using AdminPortal.Features.Fraud.Scoring;

namespace AdminPortal.Tests.Fraud;

public sealed class AmountAnomalyRuleTests
{
    [Fact]
    public void A_sale_far_above_the_merchants_history_hits_once_there_is_enough_history()
    {
        var kit = new RuleTestKit();
        // Declined: scored, but not part of the history of what this merchant really takes.
        var early = kit.Score(kit.Event(RuleTestKit.Start, amount: 90_000, card: "tok_first", result: TransactionResult.Declined));
        for (var i = 0; i < 40; i++)
        {
            kit.Score(kit.Event(RuleTestKit.Start.AddHours(1 + i), amount: 1000 + (i % 5) * 100, card: $"tok_{i}"));
        }

        var normal = kit.Score(kit.Event(RuleTestKit.Start.AddDays(3), amount: 1500, card: "tok_normal"));
        var huge = kit.Score(kit.Event(RuleTestKit.Start.AddDays(3).AddMinutes(1), amount: 25_000, card: "tok_huge"));

        Assert.DoesNotContain("amount-anomaly", RuleTestKit.Rules(early));
        Assert.DoesNotContain("amount-anomaly", RuleTestKit.Rules(normal));
        var hit = Assert.Single(huge.Hits, h => h.RuleId == "amount-anomaly");
        Assert.Contains("250.00 EUR is", hit.Explanation);
        Assert.Contains("over 41 sales", hit.Explanation);
    }
}

public sealed class CardTestingRuleTests
{
    [Fact]
    public void A_burst_of_small_declines_with_many_cards_hits()
    {
        var kit = new RuleTestKit();
        var results = Enumerable.Range(0, 5)
            .Select(i => kit.Score(kit.Event(RuleTestKit.Start.AddSeconds(20 * i), amount: 100, card: $"tok_stolen_{i}", result: TransactionResult.Declined)))
            .ToList();

        Assert.DoesNotContain("card-testing", RuleTestKit.Rules(results[3]));
        var hit = Assert.Single(results[4].Hits, h => h.RuleId == "card-testing");
        Assert.Equal("5 declined attempts of at most 2.00 EUR on this terminal within 10 minutes, with 5 different cards (limit 5).", hit.Explanation);
        Assert.True(results[4].Alerts);
    }

    [Fact]
    public void Large_declines_or_approvals_are_not_card_testing()
    {
        var kit = new RuleTestKit();
        var large = kit.ScoreAll(Enumerable.Range(0, 6).Select(i =>
            kit.Event(RuleTestKit.Start.AddSeconds(20 * i), amount: 5000, card: $"tok_big_{i}", result: TransactionResult.Declined)));
        var approved = kit.ScoreAll(Enumerable.Range(0, 6).Select(i =>
            kit.Event(RuleTestKit.Start.AddMinutes(30).AddSeconds(20 * i), amount: 100, card: $"tok_ok_{i}")));

        Assert.DoesNotContain("card-testing", RuleTestKit.Rules(large));
        Assert.DoesNotContain("card-testing", RuleTestKit.Rules(approved));
    }
}

public sealed class KeyedEntryRatioRuleTests
{
    [Fact]
    public void Manual_entry_becoming_common_on_a_terminal_hits()
    {
        var kit = new RuleTestKit();
        var start = RuleTestKit.Start;
        kit.ScoreAll(Enumerable.Range(0, 13).Select(i => kit.Event(start.AddMinutes(i), card: $"tok_{i}")));
        var keyed = Enumerable.Range(0, 7)
            .Select(i => kit.Score(kit.Event(start.AddMinutes(20 + i), card: $"tok_m{i}", entry: EntryMode.Manual)))
            .ToList();

        Assert.DoesNotContain("keyed-entry", RuleTestKit.Rules(keyed[5])); // 6 of 19 seen: the sample of 20 is not full yet
        var hit = Assert.Single(keyed[6].Hits, h => h.RuleId == "keyed-entry");
        Assert.Equal("7 manual and 0 fallback entries in the terminal's last 20 transactions (35% and 0%; limits 30% and 20%).", hit.Explanation);
    }

    [Fact]
    public void Fallback_share_has_its_own_limit_and_chip_transactions_never_hit()
    {
        var kit = new RuleTestKit();
        var start = RuleTestKit.Start;
        kit.ScoreAll(Enumerable.Range(0, 15).Select(i => kit.Event(start.AddMinutes(i), card: $"tok_{i}")));
        var fallbacks = Enumerable.Range(0, 5)
            .Select(i => kit.Score(kit.Event(start.AddMinutes(20 + i), card: $"tok_f{i}", entry: EntryMode.Fallback)))
            .ToList();
        var chip = kit.Score(kit.Event(start.AddMinutes(30), card: "tok_chip"));

        Assert.Contains("keyed-entry", RuleTestKit.Rules(fallbacks[4])); // 5 of 20 = 25% > 20%
        Assert.DoesNotContain("keyed-entry", RuleTestKit.Rules(chip));
    }
}

public sealed class RefundWithoutSaleRuleTests
{
    [Fact]
    public void A_refund_to_a_card_without_a_matching_sale_hits()
    {
        var kit = new RuleTestKit();
        var refund = kit.Score(kit.Event(RuleTestKit.Start, amount: 5000, card: "tok_stranger", type: TransactionType.Refund));

        var hit = Assert.Single(refund.Hits, h => h.RuleId == "refund-without-sale");
        Assert.Equal("Refund of 50.00 EUR to card ending 1111, which made no approved sale of at least that amount here in the last 30 days.", hit.Explanation);
    }

    [Fact]
    public void A_refund_matching_an_earlier_sale_of_that_card_does_not_hit_but_one_larger_than_it_does()
    {
        var kit = new RuleTestKit();
        kit.Score(kit.Event(RuleTestKit.Start, amount: 5000, card: "tok_customer"));
        kit.Score(kit.Event(RuleTestKit.Start.AddMinutes(1), amount: 9000, card: "tok_customer", result: TransactionResult.Declined));

        var matching = kit.Score(kit.Event(RuleTestKit.Start.AddDays(2), amount: 5000, card: "tok_customer", type: TransactionType.Refund));
        var larger = kit.Score(kit.Event(RuleTestKit.Start.AddDays(2), amount: 9000, card: "tok_customer", type: TransactionType.Refund));

        Assert.DoesNotContain("refund-without-sale", RuleTestKit.Rules(matching));
        Assert.Contains("refund-without-sale", RuleTestKit.Rules(larger));
    }
}
