using AdminPortal.Features.Fraud;
using AdminPortal.Features.Fraud.Scoring;

namespace AdminPortal.Tests.Fraud;

public class RiskStateTests
{
    private static readonly long Minute = TimeSpan.TicksPerMinute;
    private static readonly long Day = TimeSpan.TicksPerDay;

    [Fact]
    public void A_window_keeps_its_entries_sorted_from_the_first_inline_one_through_late_arrivals_and_drops_expired_ones()
    {
        var window = new SlidingWindow();
        Assert.Equal(long.MinValue, window.Newest);
        Assert.True(window.Entries.IsEmpty);

        window.Add(10 * Minute, 100, 1, 60 * Minute);
        Assert.Equal([10 * Minute], Ticks(window));
        Assert.Equal((1, 100L), window.Sum(10 * Minute, Minute));

        window.Add(30 * Minute, 300, 3, 60 * Minute);
        window.Add(20 * Minute, 200, 2, 60 * Minute); // a late upload lands in its place
        window.Add(40 * Minute, 400, 4, 60 * Minute);
        Assert.Equal([10 * Minute, 20 * Minute, 30 * Minute, 40 * Minute], Ticks(window));
        Assert.Equal([1, 2, 3, 4], window.Entries.ToArray().Select(e => e.Tag));

        // (15, 35]: the entries at 20 and 30.
        Assert.Equal((2, 500L), window.Sum(35 * Minute, 20 * Minute));
        Assert.Equal(40 * Minute, window.Newest);

        // 80 minutes: everything before 20 is beyond the hour of retention behind it.
        window.Add(80 * Minute, 800, 8, 60 * Minute);
        Assert.Equal([20 * Minute, 30 * Minute, 40 * Minute, 80 * Minute], Ticks(window));

        window.Add(200 * Minute, 1, 9, 60 * Minute);
        Assert.Equal([200 * Minute], Ticks(window));
        Assert.Equal((0, 0L), window.Sum(199 * Minute, 100 * Minute));
    }

    [Fact]
    public void A_late_entry_that_overflows_the_inline_entries_lands_in_its_place()
    {
        var window = new SlidingWindow();
        for (var i = 1; i <= SlidingWindow.InlineCapacity; i++)
        {
            window.Add(i * 10 * Minute, i, i, Day);
        }

        window.Add(15 * Minute, 99, 99, Day);

        Assert.Equal(SlidingWindow.InlineCapacity + 1, window.Count);
        Assert.Equal(10 * Minute, window.Entries[0].Ticks);
        Assert.Equal(99, window.Entries[1].Amount);
        Assert.Equal(SlidingWindow.InlineCapacity * 10 * Minute, window.Newest);
        Assert.True(window.Entries.ToArray().Select(e => e.Ticks).SequenceEqual(window.Entries.ToArray().Select(e => e.Ticks).Order()));
    }

    [Fact]
    public void A_card_idle_for_longer_than_the_retention_is_forgotten_and_one_used_within_it_is_kept()
    {
        var kit = new RuleTestKit();
        var start = RuleTestKit.Start;
        kit.Score(kit.Event(start, card: "tok_idle"));
        kit.Score(kit.Event(start, card: "tok_regular"));
        var state = kit.Engine.StateOf(RuleTestKit.Merchant);
        Assert.Equal(2, state.CardCount);

        // The regular card comes back every week; the idle one never does.
        for (var week = 1; week <= 5; week++)
        {
            kit.Score(kit.Event(start.AddDays(7 * week), card: "tok_regular"));
        }

        Assert.False(state.FindCard("tok_idle").Exists);
        Assert.True(state.FindCard("tok_regular").Exists);
        Assert.Equal(1, state.CardCount);

        // A new card takes the forgotten card's place and starts with nothing of it.
        kit.Score(kit.Event(start.AddDays(36), amount: 700, card: "tok_new"));
        ref readonly var fresh = ref state.FindCard("tok_new");
        Assert.Equal(1, fresh.Recent.Count);
        Assert.Equal(1, fresh.Sales.Count);
        Assert.Equal(700, fresh.Recent.Entries[0].Amount);
    }

    [Fact]
    public void A_device_idle_for_longer_than_the_retention_is_forgotten_and_one_used_within_it_is_kept()
    {
        var kit = new RuleTestKit();
        var start = RuleTestKit.Start;
        Guid retired = Guid.NewGuid(), working = Guid.NewGuid();
        kit.Score(kit.Event(start, device: retired));
        kit.Score(kit.Event(start, device: working));
        var state = kit.Engine.StateOf(RuleTestKit.Merchant);
        Assert.Equal(2, state.Devices.Count);

        // The working terminal sells every week; the retired one never again.
        for (var week = 1; week <= 5; week++)
        {
            kit.Score(kit.Event(start.AddDays(7 * week), device: working));
        }

        Assert.False(state.Devices.ContainsKey(retired));
        Assert.Equal(6, state.Devices[working].EntryModesSeen); // kept through the sweeps, with all six sales

        // Back in service: it starts again with nothing of its old state.
        kit.Score(kit.Event(start.AddDays(36), device: retired));
        Assert.Equal(1, state.Devices[retired].EntryModesSeen);
    }

    [Fact]
    public void A_card_within_the_retention_is_still_remembered_when_the_cards_are_swept()
    {
        var kit = new RuleTestKit();
        var start = RuleTestKit.Start;
        var sale = kit.Event(start, amount: 5000, card: "tok_buyer");
        kit.Score(sale);

        // Daily traffic of other cards makes the engine sweep every day for 29 days.
        for (var day = 1; day <= 29; day++)
        {
            kit.Score(kit.Event(start.AddDays(day), card: $"tok_other_{day}"));
        }

        // The refund 29½ days after the sale still finds it.
        var refund = kit.Score(kit.Event(start.AddDays(29.5), amount: 5000, card: "tok_buyer", type: TransactionType.Refund));
        Assert.DoesNotContain("refund-without-sale", RuleTestKit.Rules(refund));
        Assert.Equal(30, kit.Engine.StateOf(RuleTestKit.Merchant).CardCount);
    }

    private static long[] Ticks(SlidingWindow window) => window.Entries.ToArray().Select(e => e.Ticks).ToArray();
}
