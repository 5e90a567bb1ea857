using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using AdminPortal.Infrastructure.Cluster;
using AdminPortal.Infrastructure.Database;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AdminPortal.Infrastructure.LiveUpdates;

/// <summary>
/// Live updates across portal instances on one PostgreSQL: a message is delivered to this process's subscribers at once
/// and sent to the others with NOTIFY on one channel; one dedicated connection per instance LISTENs (and reconnects after
/// a database restart) and hands what other instances sent to local subscribers. Each instance ignores its own
/// notifications, so a local subscriber sees a message exactly once.
/// Notifications are best effort, like the pages they refresh: what is published while the listener is disconnected is
/// not replayed (a page shows it on its next load). Publishers always publish after their transaction committed, so a
/// subscriber that reads the database on a message sees the change.
/// </summary>
internal sealed class PostgresLiveUpdates : BackgroundService, ILiveUpdates
{
    public const string ChannelName = "portal_live_updates";

    /// <summary>PostgreSQL refuses NOTIFY payloads of 8000 bytes or more.</summary>
    public const int MaxPayloadBytes = 7999;

    private const int MaxNotificationsPerRoundTrip = 500;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan MaxReconnectDelay = TimeSpan.FromSeconds(5);

    private readonly InProcessLiveUpdates _local;
    private readonly IDbConnectionFactory _db;
    private readonly IOptions<DatabaseOptions> _options;
    private readonly ClusterNode _node;
    private readonly ILogger<PostgresLiveUpdates> _logger;
    private readonly TaskCompletionSource _firstListen = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Channel<string> _outbox = Channel.CreateBounded<string>(new BoundedChannelOptions(10_000)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private long _sequence;
    private volatile bool _listening;

    public PostgresLiveUpdates(InProcessLiveUpdates local, IDbConnectionFactory db, IOptions<DatabaseOptions> options, ClusterNode node,
        ILogger<PostgresLiveUpdates> logger)
    {
        (_local, _db, _options, _node, _logger) = (local, db, options, node, logger);
    }

    /// <summary>True while the listening connection is up (or on SQLite, where there is no other instance to hear).</summary>
    public bool IsListening => _listening || !_db.Dialect.IsPostgres;

    public void Publish<TMessage>(Guid merchantId, TMessage message) where TMessage : notnull
    {
        // The sequence number keeps equal messages distinct: PostgreSQL folds identical payloads of one transaction.
        var payload = JsonSerializer.Serialize(new Envelope(
            _node.Id, Interlocked.Increment(ref _sequence), typeof(TMessage).FullName!, merchantId,
            JsonSerializer.SerializeToElement(message, Json)), Json);
        if (Encoding.UTF8.GetByteCount(payload) > MaxPayloadBytes)
        {
            throw new ArgumentException(
                $"A live update of {typeof(TMessage).Name} is larger than NOTIFY's {MaxPayloadBytes} bytes: publish ids and let subscribers read.",
                nameof(message));
        }

        _local.Publish(merchantId, message);
        if (_db.Dialect.IsPostgres && !_outbox.Writer.TryWrite(payload))
        {
            _logger.LogWarning("The live-update outbox is full; other instances miss a {MessageType}", typeof(TMessage).Name);
        }
    }

    public IDisposable Subscribe<TMessage>(IReadOnlyCollection<Guid>? merchantIds, Func<TMessage, Task> handler) where TMessage : notnull =>
        _local.Subscribe(merchantIds, handler);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await base.StartAsync(cancellationToken);
        try
        {
            // Listen before serving, so that a page opened right after start misses nothing; a database that is down
            // must not stop the start (readiness reports it, and the listener keeps trying).
            await _firstListen.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        }
        catch (TimeoutException)
        {
            _logger.LogWarning("Live updates from other portal instances are not heard yet; still connecting");
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_db.Dialect.IsPostgres)
        {
            _firstListen.TrySetResult();
            return Task.CompletedTask;
        }

        return Task.WhenAll(ListenAsync(stoppingToken), SendAsync(stoppingToken));
    }

    private async Task SendAsync(CancellationToken stoppingToken)
    {
        var batch = new List<string>(MaxNotificationsPerRoundTrip);
        try
        {
            while (await _outbox.Reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                while (batch.Count < MaxNotificationsPerRoundTrip && _outbox.Reader.TryRead(out var payload))
                {
                    batch.Add(payload);
                }

                // A second try takes another connection: after a database restart the pool still holds broken ones. (Should
                // the first try have committed after all, subscribers hear it twice: a repeated refresh, which is harmless.)
                for (var attempt = 1; attempt <= 2; attempt++)
                {
                    try
                    {
                        await NotifyAsync(batch, stoppingToken);
                        break;
                    }
                    catch (Exception ex) when (!stoppingToken.IsCancellationRequested && attempt == 1)
                    {
                        _logger.LogDebug(ex, "Sending live updates failed; trying once more");
                    }
                    catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                    {
                        _logger.LogWarning(ex, "Sending {Count} live updates to other instances failed; they see the changes on their next read", batch.Count);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task NotifyAsync(List<string> payloads, CancellationToken ct)
    {
        // One round trip for everything waiting: unnest yields the array in order, and the notifications go out in that
        // order when the statement's implicit transaction commits.
        await using var connection = await _db.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(pg_notify(@channel, payload)) FROM unnest(@payloads) AS payload";
        command.Parameters.Add(new NpgsqlParameter("channel", ChannelName));
        command.Parameters.Add(new NpgsqlParameter("payloads", payloads.ToArray()));
        await command.ExecuteScalarAsync(ct);
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(_options.Value.ConnectionString)
        {
            // A dedicated connection, outside the pool; keepalives notice a dead server while it waits.
            Pooling = false,
            KeepAlive = 10,
            ApplicationName = "AdminPortal live updates",
        }.ConnectionString;
        var delay = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += OnNotification;
                await using (var listen = connection.CreateCommand())
                {
                    listen.CommandText = $"LISTEN {ChannelName}";
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                if (!_listening && _firstListen.Task.IsCompleted)
                {
                    _logger.LogInformation("Listening for live updates from other instances again");
                }

                _listening = true;
                _firstListen.TrySetResult();
                delay = TimeSpan.FromMilliseconds(250);
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                if (_listening)
                {
                    _logger.LogWarning(ex, "The live-update listener lost its database connection; reconnecting");
                }

                _listening = false;
            }

            try
            {
                await Task.Delay(delay, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = delay * 2 < MaxReconnectDelay ? delay * 2 : MaxReconnectDelay;
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs args)
    {
        try
        {
            var envelope = JsonSerializer.Deserialize<Envelope>(args.Payload, Json);
            if (envelope is null || envelope.Origin == _node.Id)
            {
                return; // this instance delivered its own message already
            }

            if (_local.SubscribedType(envelope.Type) is { } type && envelope.Message.Deserialize(type, Json) is { } message)
            {
                _local.Deliver(envelope.MerchantId, type, message);
            }
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "An unreadable live update arrived on {Channel}", args.Channel);
        }
    }

    private sealed record Envelope(string Origin, long Sequence, string Type, Guid MerchantId, JsonElement Message);
}
