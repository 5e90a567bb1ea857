namespace AdminPortal.Infrastructure.LiveUpdates;

/// <summary>
/// Turns a burst of live-update messages into page refreshes: at most one per <c>interval</c>, and always one after
/// the last message. A busy estate publishes many changes a second, so a page cannot re-query on each; but dropping
/// the messages that arrive inside the interval would leave the page showing figures older than the last change.
/// </summary>
public sealed class RefreshCoalescer(TimeSpan interval, Func<Task> refresh, TimeProvider? time = null) : IDisposable
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly CancellationTokenSource _disposed = new();
    private int _scheduled;
    private DateTimeOffset _lastRefresh = DateTimeOffset.MinValue;

    /// <summary>Asks for a refresh; returns when it has run, or at once when one is already on its way.</summary>
    public async Task RequestAsync()
    {
        // A refresh that has not started yet will read this change too.
        if (Interlocked.Exchange(ref _scheduled, 1) == 1)
        {
            return;
        }

        try
        {
            var wait = _lastRefresh + interval - _time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _time, _disposed.Token);
            }

            // Cleared before reading, so a message that arrives while the refresh runs schedules the next one.
            Volatile.Write(ref _scheduled, 0);
            _lastRefresh = _time.GetUtcNow();
            await refresh();
        }
        catch (OperationCanceledException) when (_disposed.IsCancellationRequested)
        {
            // The page has gone; nothing to refresh.
        }
    }

    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
    }
}
