using System.Collections.Concurrent;
using System.Net.Http.Json;
using AdminPortal.Features.Fraud.Ingestion;
using AdminPortal.Features.Merchants;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace AdminPortal.IntegrationTests.Fraud;

/// <summary>
/// The portal in memory over a given database, with a stand-in for device authentication (headers name the device,
/// merchant and store, as the Devices area's credential check will) and every log line captured.
/// </summary>
public sealed class FraudApiHost : WebApplicationFactory<Program>
{
    private readonly TestDatabase _database;

    public FraudApiHost(TestDatabase database) => _database = database;

    public CapturedLogs Logs { get; } = new();

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>A client speaking as the given terminal.</summary>
    public HttpClient DeviceClient(TestTerminal terminal)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add(HeaderDeviceResolver.DeviceHeader, terminal.DeviceId.ToString());
        client.DefaultRequestHeaders.Add(HeaderDeviceResolver.MerchantHeader, terminal.MerchantId.ToString());
        if (terminal.StoreId is { } store)
        {
            client.DefaultRequestHeaders.Add(HeaderDeviceResolver.StoreHeader, store.ToString());
        }

        return client;
    }

    /// <summary>A merchant with one Berlin store (open 09:00–20:00 Mon–Sat) and a terminal in it.</summary>
    public async Task<TestTerminal> CreateTerminalAsync(string merchantNumber)
    {
        var directory = Get<MerchantDirectory>();
        var merchant = await directory.EnsureMerchantAsync(merchantNumber, $"Merchant {merchantNumber}", "DE", 4, "P2PE");
        await directory.EnsureStoreAsync(merchant.Id, "Berlin Mitte", "Friedrichstraße 101", "Berlin", "10117", "DE", "Europe/Berlin",
            52.52, 13.388, OpeningHours.Weekdays(new TimeOnly(9, 0), new TimeOnly(20, 0)));
        var store = (await directory.ListStoresAsync(merchant.Id)).Single();
        return new TestTerminal(Guid.NewGuid(), merchant.Id, store.Id);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Logging:LogLevel:Default", "Trace");
        foreach (var (key, value) in _database.Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<ICallingDeviceResolver>();
            services.AddSingleton<ICallingDeviceResolver, HeaderDeviceResolver>();
        });
    }

    private sealed class HeaderDeviceResolver : ICallingDeviceResolver
    {
        public const string DeviceHeader = "X-Test-Device";
        public const string MerchantHeader = "X-Test-Merchant";
        public const string StoreHeader = "X-Test-Store";

        public ValueTask<CallingDevice?> ResolveAsync(HttpContext context, CancellationToken cancellationToken)
        {
            var headers = context.Request.Headers;
            if (!Guid.TryParse(headers[DeviceHeader], out var device) || !Guid.TryParse(headers[MerchantHeader], out var merchant))
            {
                return ValueTask.FromResult<CallingDevice?>(null);
            }

            Guid? store = Guid.TryParse(headers[StoreHeader], out var s) ? s : null;
            return ValueTask.FromResult<CallingDevice?>(new CallingDevice(device, merchant, store));
        }
    }
}

public sealed record TestTerminal(Guid DeviceId, Guid MerchantId, Guid? StoreId);

/// <summary>Every formatted log message and exception text the host wrote, at every level.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public string All => string.Join('\n', _lines);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}

/// <summary>Builds transaction events as a terminal sends them.</summary>
public static class Events
{
    public static object Sale(string eventId, DateTimeOffset at, long amountMinor = 1250, string cardToken = "tok_card_0001",
        string entryMode = "chip", string result = "approved", string type = "sale", double? lat = null, double? lon = null) => new
    {
        eventId,
        occurredAt = at,
        type,
        amountMinor,
        currency = "EUR",
        cardToken,
        bin = "411111",
        last4 = "1111",
        entryMode,
        result,
        responseCode = result == "approved" ? "00" : "05",
        location = lat is null ? null : new { lat, lon },
    };

    public static Task<HttpResponseMessage> PostAsync(this HttpClient client, params object[] events) =>
        client.PostAsJsonAsync("/api/v1/transactions", new { events });
}
