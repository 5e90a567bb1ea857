using AdminPortal.Infrastructure.LiveUpdates;

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
/// Live alert changes for open pages: the Fraud area's own contract, implemented over the shared live updates.
/// </summary>
public interface IFraudAlertFeed
{
    /// <summary>Handlers run after the change committed; dispose the subscription when the page goes.</summary>
    IDisposable Subscribe(Func<FraudAlertNotice, Task> handler);

    void Publish(FraudAlertNotice notice);
}

/// <summary>
/// The feed over the portal's shared live updates: in one process an in-memory notifier, across portal instances on
/// PostgreSQL LISTEN/NOTIFY, so an alert ingested through one instance shows on pages served by another. Handlers run
/// in the background; a slow or failing page never delays ingestion.
/// </summary>
internal sealed class LiveFraudAlertFeed(ILiveUpdates live) : IFraudAlertFeed
{
    public IDisposable Subscribe(Func<FraudAlertNotice, Task> handler) => live.Subscribe(null, handler);

    public void Publish(FraudAlertNotice notice) => live.Publish(notice.MerchantId, notice);
}
