namespace AdminPortal.Features.Fraud;

public enum AlertChange
{
    Opened,
    Updated,
    Decided,
}

/// <summary>Something changed about an alert: open pages of people who may see <see cref="MerchantId"/> refresh.</summary>
public sealed record FraudAlertNotice(Guid MerchantId, Guid AlertId, AlertChange Change, AlertSeverity Severity);

/// <summary>
/// Live alert changes for open pages. The Fraud area's own contract, so that it does not depend on the shared notifier
/// being built in parallel; the integrator implements it over that notifier (and PostgreSQL LISTEN/NOTIFY across instances).
/// </summary>
public interface IFraudAlertFeed
{
    /// <summary>Handlers run after the change committed; dispose the subscription when the page goes.</summary>
    IDisposable Subscribe(Func<FraudAlertNotice, Task> handler);

    void Publish(FraudAlertNotice notice);
}

/// <summary>In one process: handlers are called in the background, a slow or failing page never delays ingestion.</summary>
internal sealed class InProcessFraudAlertFeed(ILogger<InProcessFraudAlertFeed> logger) : IFraudAlertFeed
{
    private readonly Lock _lock = new();
    private ImmutableHandlers _handlers = new([]);

    public IDisposable Subscribe(Func<FraudAlertNotice, Task> handler)
    {
        lock (_lock)
        {
            _handlers = new ImmutableHandlers([.. _handlers.Items, handler]);
        }

        return new Subscription(this, handler);
    }

    public void Publish(FraudAlertNotice notice)
    {
        foreach (var handler in _handlers.Items)
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    await handler(notice);
                }
                catch (Exception ex)
                {
                    logger.LogWarning(ex, "A fraud alert subscriber failed for alert {AlertId}", notice.AlertId);
                }
            });
        }
    }

    private void Unsubscribe(Func<FraudAlertNotice, Task> handler)
    {
        lock (_lock)
        {
            _handlers = new ImmutableHandlers(_handlers.Items.Where(h => h != handler).ToArray());
        }
    }

    private sealed record ImmutableHandlers(Func<FraudAlertNotice, Task>[] Items);

    private sealed class Subscription(InProcessFraudAlertFeed feed, Func<FraudAlertNotice, Task> handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                feed.Unsubscribe(handler);
            }
        }
    }
}
