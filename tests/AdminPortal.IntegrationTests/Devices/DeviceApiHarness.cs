using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AdminPortal.Features.Devices;
using AdminPortal.Features.Devices.Api;
using AdminPortal.Features.Devices.Enrollment;
using AdminPortal.Features.Merchants;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;

namespace AdminPortal.IntegrationTests.Devices;

/// <summary>The portal on a real port with one merchant and store, and intent methods for the device API.</summary>
public sealed class DeviceApiHarness : IAsyncDisposable
{
    private DeviceApiHarness(PortalHost portal, Merchant merchant, Store store)
    {
        Portal = portal;
        Merchant = merchant;
        Store = store;
        Client = portal.CreatePortalClient();
    }

    public PortalHost Portal { get; }
    public Merchant Merchant { get; }
    public Store Store { get; }
    public HttpClient Client { get; }

    public static readonly AccessScope Admin = AccessScope.PlatformAdmin(Guid.NewGuid());

    public static async Task<DeviceApiHarness> StartAsync(
        DatabaseProvider provider, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? configureServices = null)
    {
        var portal = await PortalHost.StartAsync(provider, settings, configureServices);
        var (merchant, store) = await AddMerchantAsync(portal.GetService<MerchantDirectory>(), "A");
        return new DeviceApiHarness(portal, merchant, store);
    }

    public static async Task<(Merchant, Store)> AddMerchantAsync(MerchantDirectory directory, string tag)
    {
        var merchant = await directory.EnsureMerchantAsync($"TEST-{tag}-{Guid.NewGuid():N}"[..20], $"Merchant {tag}", "DE", 4, "P2PE");
        await directory.EnsureStoreAsync(merchant.Id, $"Store {tag}", "Hauptstraße 1", "Berlin", "10117", "DE", "Europe/Berlin", 52.52, 13.405, null);
        var store = (await directory.ListStoresAsync(merchant.Id)).Single();
        return (merchant, store);
    }

    public async Task<string> NewCodeAsync(int lifetimeHours = 24) =>
        (await Portal.GetService<EnrollmentCodes>().CreateAsync(Admin, DeviceActor.CommandLine, Merchant.Id, Store.Id, 1, lifetimeHours)).Single().Code;

    public static object EnrollBody(string code, string serial = "SN-0001") => new
    {
        enrollmentCode = code, serialNumber = serial, model = "A920", manufacturer = "PAX", osVersion = "Android 10",
        firmwareVersion = "FW 1.2", appVersion = "3.4.0",
    };

    public Task<HttpResponseMessage> PostEnrollAsync(object body) => Client.PostAsJsonAsync("/api/v1/devices/enroll", body);

    /// <summary>Enrolls a terminal and returns a client that sends its bearer secret.</summary>
    public async Task<Terminal> EnrollAsync(string serial = "SN-0001")
    {
        var response = await PostEnrollAsync(EnrollBody(await NewCodeAsync(), serial));
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        var enrolled = (await response.Content.ReadFromJsonAsync<EnrollResponse>())!;
        return new Terminal(enrolled.DeviceId, enrolled.DeviceSecret, Portal.CreatePortalClient());
    }

    public static object CheckInBody(string tamper = "ok", double? lat = null, double? lon = null, bool? rooted = null, string appVersion = "3.4.0") => new
    {
        osVersion = "Android 10", firmwareVersion = "FW 1.2", appVersion, batteryPercent = 80,
        network = new { type = "wifi", encrypted = true },
        location = lat is null ? null : new { lat, lon, accuracyMeters = 20.0 },
        tamper = new { state = tamper, detail = tamper == "tampered" ? "case opened" : null },
        security = new { rooted = rooted ?? false, p2peKeysLoaded = true },
    };

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Portal.DisposeAsync();
    }

    public sealed class Terminal(Guid deviceId, string secret, HttpClient client)
    {
        public Guid DeviceId => deviceId;
        public string Secret => secret;

        public Task<HttpResponseMessage> PostAsync(string path, object body) => SendAsync(path, JsonContent.Create(body));

        public Task<HttpResponseMessage> SendAsync(string path, HttpContent content, string? idempotencyKey = null)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            if (idempotencyKey is not null)
            {
                // Without validation: the tests send malformed keys on purpose.
                request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
            }

            return client.SendAsync(request);
        }

        public async Task<CheckInResponse> CheckInAsync(object? body = null)
        {
            var response = await PostAsync("/api/v1/devices/checkin", body ?? CheckInBody());
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<CheckInResponse>())!;
        }

        public Task<HttpResponseMessage> AckAsync(Guid commandId, string status = "succeeded") =>
            PostAsync($"/api/v1/devices/commands/{commandId}/ack", new { status, detail = (string?)null });
    }

    /// <summary>The problem+json body, asserting its media type.</summary>
    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadFromJsonAsync<JsonElement>());
    }
}
