using System.Collections.Concurrent;
using AdminPortal.Infrastructure.Database;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AdminPortal.Infrastructure.LiveUpdates;

/// <summary>
/// In-process publish/subscribe for pushing changes to open pages. A message is published to one merchant's topic;
/// a subscriber listens to a set of merchants (its access scope) or to all of them (platform staff), for one message
/// type. Knows no slice. With PostgreSQL, <see cref="PostgresLiveUpdates"/> carries every message to the other portal
/// instances too (LISTEN/NOTIFY), so messages must stay small: ids and a change kind, and pages read the rest.
/// </summary>
public interface ILiveUpdates
{
    void Publish<TMessage>(Guid merchantId, TMessage message) where TMessage : notnull;

    /// <summary>
    /// Calls <paramref name="handler"/> for each <typeparamref name="TMessage"/> published to one of
    /// <paramref name="merchantIds"/> (null: every merchant) until the returned handle is disposed.
    /// Handlers run on the thread pool; a Blazor component must marshal with <c>InvokeAsync</c>.
    /// </summary>
    IDisposable Subscribe<TMessage>(IReadOnlyCollection<Guid>? merchantIds, Func<TMessage, Task> handler) where TMessage : notnull;
}

internal sealed class InProcessLiveUpdates(ILogger<InProcessLiveUpdates> logger) : ILiveUpdates
{
    private readonly ConcurrentDictionary<Subscription, byte> _subscriptions = new();

    // Message types by full name, for messages arriving from other instances: only types this process has subscribed to
    // are ever deserialised.
    private readonly ConcurrentDictionary<string, Type> _subscribedTypes = new(StringComparer.Ordinal);

    public void Publish<TMessage>(Guid merchantId, TMessage message) where TMessage : notnull =>
        Deliver(merchantId, typeof(TMessage), message);

    /// <summary>Hands <paramref name="message"/> of <paramref name="messageType"/> to this process's subscribers.</summary>
    public void Deliver(Guid merchantId, Type messageType, object message)
    {
        foreach (var subscription in _subscriptions.Keys)
        {
            if (subscription.MessageType == messageType && subscription.Wants(merchantId))
            {
                _ = DeliverAsync(subscription, message);
            }
        }
    }

    /// <summary>The subscribed message type of that full name, if any subscriber here ever asked for it.</summary>
    public Type? SubscribedType(string fullName) => _subscribedTypes.GetValueOrDefault(fullName);

    public IDisposable Subscribe<TMessage>(IReadOnlyCollection<Guid>? merchantIds, Func<TMessage, Task> handler) where TMessage : notnull
    {
        _subscribedTypes.TryAdd(typeof(TMessage).FullName!, typeof(TMessage));
        // Handlers run in the subscriber's execution context, not the publisher's, so what the subscriber's circuit
        // carries in async-locals (the merchant chosen in the app bar) still holds when a page reloads on a message.
        var context = ExecutionContext.Capture();
        Func<object, Task> run = context is null
            ? message => handler((TMessage)message)
            : message =>
            {
                Task? result = null;
                ExecutionContext.Run(context, _ => result = handler((TMessage)message), null);
                return result!;
            };
        var subscription = new Subscription(typeof(TMessage), merchantIds?.ToHashSet(), run, s => _subscriptions.TryRemove(s, out _));
        _subscriptions.TryAdd(subscription, 0);
        return subscription;
    }

    private async Task DeliverAsync(Subscription subscription, object message)
    {
        try
        {
            // Never run a subscriber on the publisher's thread: a slow page must not hold up a check-in.
            await Task.Yield();
            await subscription.Handler(message);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "A live-update subscriber for {MessageType} failed", subscription.MessageType.Name);
        }
    }

    private sealed class Subscription(Type messageType, HashSet<Guid>? merchantIds, Func<object, Task> handler, Action<Subscription> remove) : IDisposable
    {
        public Type MessageType => messageType;

        public Func<object, Task> Handler => handler;

        public bool Wants(Guid merchantId) => merchantIds is null || merchantIds.Contains(merchantId);

        public void Dispose() => remove(this);
    }
}

public static class LiveUpdatesServiceCollectionExtensions
{
    /// <summary>
    /// In-process delivery; on PostgreSQL also LISTEN/NOTIFY between instances (one listening connection per instance).
    /// </summary>
    public static IServiceCollection AddLiveUpdates(this IServiceCollection services)
    {
        services.TryAddSingleton<InProcessLiveUpdates>();
        services.TryAddSingleton<PostgresLiveUpdates>();
        services.TryAddSingleton<ILiveUpdates>(sp => sp.GetRequiredService<IDbConnectionFactory>().Dialect.IsPostgres
            ? sp.GetRequiredService<PostgresLiveUpdates>()
            : sp.GetRequiredService<InProcessLiveUpdates>());
        services.AddHostedService(sp => sp.GetRequiredService<PostgresLiveUpdates>());
        return services;
    }
}
