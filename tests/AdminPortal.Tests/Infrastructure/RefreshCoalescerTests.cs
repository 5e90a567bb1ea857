using AdminPortal.Infrastructure.LiveUpdates;
using Microsoft.Extensions.Time.Testing;

namespace AdminPortal.Tests.Infrastructure;

public sealed class RefreshCoalescerTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-30T12:00:00Z"));
    private int _refreshes;

    private RefreshCoalescer Coalescer(Func<Task>? refresh = null) =>
        new(Interval, refresh ?? (() => { _refreshes++; return Task.CompletedTask; }), _time);

    [Fact]
    public async Task The_first_message_refreshes_at_once()
    {
        using var coalescer = Coalescer();

        await coalescer.RequestAsync();

        Assert.Equal(1, _refreshes);
    }

    [Fact]
    public async Task A_burst_inside_the_interval_ends_in_one_more_refresh_after_the_last_message()
    {
        using var coalescer = Coalescer();
        await coalescer.RequestAsync();

        var second = coalescer.RequestAsync();
        var third = coalescer.RequestAsync();
        Assert.True(third.IsCompleted, "a message behind a scheduled refresh waits for nothing");
        Assert.Equal(1, _refreshes);

        _time.Advance(Interval);
        await second;

        Assert.Equal(2, _refreshes);
    }

    [Fact]
    public async Task A_message_that_arrives_while_the_page_refreshes_schedules_the_next_refresh()
    {
        RefreshCoalescer? coalescer = null;
        Task? duringRefresh = null;
        coalescer = Coalescer(() =>
        {
            _refreshes++;
            // The change lands after the page started reading: it must not be folded into this refresh.
            duringRefresh ??= coalescer!.RequestAsync();
            return Task.CompletedTask;
        });
        using (coalescer)
        {
            await coalescer.RequestAsync();
            Assert.NotNull(duringRefresh);
            Assert.False(duringRefresh.IsCompleted);

            _time.Advance(Interval);
            await duringRefresh;

            Assert.Equal(2, _refreshes);
        }
    }

    [Fact]
    public async Task A_page_that_has_gone_is_not_refreshed()
    {
        var coalescer = Coalescer();
        await coalescer.RequestAsync();
        var pending = coalescer.RequestAsync();

        coalescer.Dispose();
        _time.Advance(Interval);
        await pending;

        Assert.Equal(1, _refreshes);
    }
}
