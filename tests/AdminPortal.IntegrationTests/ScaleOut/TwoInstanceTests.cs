using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using AdminPortal.Features.Accounts;
using AdminPortal.Features.Accounts.Security;
using AdminPortal.Features.Accounts.Sessions;
using AdminPortal.Features.Devices;
using AdminPortal.Features.Devices.Api;
using AdminPortal.Features.Devices.Enrollment;
using AdminPortal.Features.Fraud;
using AdminPortal.Features.Merchants;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Cluster;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Infrastructure.LiveUpdates;
using AdminPortal.IntegrationTests.Devices;
using AdminPortal.IntegrationTests.Fraud;
using AdminPortal.Testing;
using Dapper;

namespace AdminPortal.IntegrationTests.ScaleOut;

/// <summary>Two portal instances (each its own host, port and memory) on one database, as behind a load balancer.</summary>
public sealed partial class TwoInstanceTests
{
    [Theory, BothDatabases]
    public async Task A_session_and_antiforgery_token_made_by_instance_A_are_accepted_by_instance_B(DatabaseProvider provider)
    {
        await using var a = await PortalHost.StartAsync(provider);
        await using var b = PortalHost.StartAnotherInstance(a);
        var person = await a.CreatePersonAsync("roaming@example.com");
        var cookies = new CookieContainer();
        // Cookies belong to the host name, not the port: the browser sends the same ones to both instances.
        cookies.Add(a.BaseAddress, new Cookie(SessionCookie.Name, await a.CreateSessionTokenAsync(person)));
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = cookies });

        var onB = await browser.GetAsync(new Uri(b.BaseAddress, "account/keys"));
        Assert.Equal(HttpStatusCode.OK, onB.StatusCode);

        // The form was rendered (and its antiforgery cookie set) by A; B must accept the post.
        var token = await AntiforgeryTokenAsync(browser, new Uri(a.BaseAddress, "account/keys"));
        var signOutOnB = await browser.PostAsync(new Uri(b.BaseAddress, "account/sign-out-everywhere"),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.Redirect, signOutOnB.StatusCode);
        Assert.EndsWith("/sign-in", signOutOnB.Headers.Location!.ToString());

        // Ended on B means ended on A.
        var backOnA = await browser.GetAsync(new Uri(a.BaseAddress, "account/keys"));
        Assert.Equal(HttpStatusCode.Redirect, backOnA.StatusCode);

        // One key ring, in the database (without a certificate its keys are plain XML).
        await using var connection = await a.GetService<IDbConnectionFactory>().OpenAsync();
        var key = Assert.Single(await connection.QueryAsync<string>("SELECT xml FROM data_protection_keys"));
        Assert.Contains("<masterKey", key);
    }

    [Theory, BothDatabases]
    public async Task With_a_certificate_the_shared_keys_are_stored_encrypted_and_still_work_on_both_instances(DatabaseProvider provider)
    {
        var pfx = Path.Combine(Path.GetTempPath(), $"portal-keys-{Guid.NewGuid():N}.pfx");
        using (var key = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=Portal data protection (tests)", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pfx, "pfx-secret"));
        }

        try
        {
            await using var a = await PortalHost.StartAsync(provider, new Dictionary<string, string?>
            {
                ["DataProtection:CertificatePath"] = pfx,
                ["DataProtection:CertificatePassword"] = "pfx-secret",
            });
            await using var b = PortalHost.StartAnotherInstance(a);
            var person = await a.CreatePersonAsync("encrypted@example.com");
            var cookies = new CookieContainer();
            cookies.Add(a.BaseAddress, new Cookie(SessionCookie.Name, await a.CreateSessionTokenAsync(person)));
            using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = cookies });

            var token = await AntiforgeryTokenAsync(browser, new Uri(a.BaseAddress, "account/keys"));
            var signOutOnB = await browser.PostAsync(new Uri(b.BaseAddress, "account/sign-out-everywhere"),
                new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));

            Assert.Equal(HttpStatusCode.Redirect, signOutOnB.StatusCode);
            await using var connection = await a.GetService<IDbConnectionFactory>().OpenAsync();
            var stored = (await connection.QueryAsync<string>("SELECT xml FROM data_protection_keys")).ToList();
            Assert.NotEmpty(stored);
            Assert.All(stored, xml =>
            {
                Assert.Contains("EncryptedData", xml);
                Assert.DoesNotContain("<masterKey", xml);
            });
        }
        finally
        {
            File.Delete(pfx);
        }
    }

    [Theory, BothDatabases]
    public async Task An_antiforgery_token_of_a_portal_with_another_key_ring_is_refused(DatabaseProvider provider)
    {
        // The control for the test above: without the shared key ring the same post fails.
        await using var a = await PortalHost.StartAsync(provider);
        await using var stranger = await PortalHost.StartAsync(provider);
        var person = await a.CreatePersonAsync("careful@example.com");
        var cookies = new CookieContainer();
        cookies.Add(a.BaseAddress, new Cookie(SessionCookie.Name, await a.CreateSessionTokenAsync(person)));
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = cookies });

        var token = await AntiforgeryTokenAsync(browser, new Uri(stranger.BaseAddress, "sign-in"));
        var post = await browser.PostAsync(new Uri(a.BaseAddress, "account/sign-out-everywhere"),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));

        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(new Uri(a.BaseAddress, "account/keys"))).StatusCode);
    }

    // LISTEN/NOTIFY exists only on PostgreSQL, the database several instances share; SQLite is single-node.
    [Fact]
    public async Task An_alert_ingested_through_instance_A_reaches_a_live_subscriber_on_instance_B_once()
    {
        await using var a = await PortalHost.StartAsync(DatabaseProvider.Postgres);
        await using var b = PortalHost.StartAnotherInstance(a);
        var (merchant, store) = await DeviceApiHarness.AddMerchantAsync(a.GetService<MerchantDirectory>(), "LIVE");
        var terminal = await EnrollAsync(a, merchant, store);

        var seenOnA = new ConcurrentQueue<FraudAlertNotice>();
        var seenOnB = new ConcurrentQueue<FraudAlertNotice>();
        var openedOnB = new TaskCompletionSource<(FraudAlertNotice Notice, FraudAlert? Visible)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var admin = AccessScope.PlatformAdmin(Guid.NewGuid());
        using var onA = a.GetService<IFraudAlertFeed>().Subscribe(notice =>
        {
            seenOnA.Enqueue(notice);
            return Task.CompletedTask;
        });
        using var onB = b.GetService<IFraudAlertFeed>().Subscribe(async notice =>
        {
            seenOnB.Enqueue(notice);
            if (notice.Change == AlertChange.Opened)
            {
                // What B's review queue does on the notice: read the alert through B.
                openedOnB.TrySetResult((notice, await b.GetService<AlertQueue>().FindAsync(admin, notice.AlertId)));
            }
        });

        var start = DateTimeOffset.UtcNow.AddHours(-1);
        var batch = await terminal.PostAsync("/api/v1/transactions", new
        {
            events = Enumerable.Range(0, 6).Select(i => Events.Sale($"so-{i}", start.AddMinutes(i), cardToken: "tok_scaleout")).ToArray(),
        });
        Assert.Equal(HttpStatusCode.Accepted, batch.StatusCode);

        var (notice, visible) = await openedOnB.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(merchant.Id, notice.MerchantId);
        Assert.NotNull(visible);
        Assert.Equal(notice.AlertId, visible.Id);

        // B answers with a probe over the same channel. PostgreSQL delivers notifications in commit order, so by the time
        // A hears B's probe it has heard the echo of its own alert notice too: A must have delivered that notice once.
        var probeOnA = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var probes = a.GetService<ILiveUpdates>().Subscribe<ScaleOutProbe>([merchant.Id], _ =>
        {
            probeOnA.TrySetResult();
            return Task.CompletedTask;
        });
        b.GetService<ILiveUpdates>().Publish(merchant.Id, new ScaleOutProbe(notice.AlertId));
        await probeOnA.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Single(seenOnA, n => n.AlertId == notice.AlertId && n.Change == AlertChange.Opened);
        Assert.Single(seenOnB, n => n.AlertId == notice.AlertId && n.Change == AlertChange.Opened);
    }

    // LISTEN/NOTIFY: PostgreSQL only (on SQLite there is one instance, and its own pages hear it in memory).
    [Fact]
    public async Task Ending_a_session_on_instance_A_tells_the_open_pages_of_instance_B_at_once()
    {
        await using var a = await PortalHost.StartAsync(DatabaseProvider.Postgres);
        await using var b = PortalHost.StartAnotherInstance(a);
        var person = await a.CreatePersonAsync("leaver@example.com");
        var (session, _) = await a.GetService<SessionStore>()
            .CreateAsync(person.Id, SessionLevels.Full, assertedNow: false, new ClientInfo("127.0.0.1", "tests"));
        var endedOnB = new TaskCompletionSource<Guid>(TaskCreationOptions.RunContinuationsAsynchronously);
        b.GetService<SessionRevocations>().Ended += id => endedOnB.TrySetResult(id);

        await a.GetService<SessionStore>().EndAsync(session.Id, "test");

        Assert.Equal(session.Id, await endedOnB.Task.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_live_update_larger_than_notify_allows_is_refused_before_anyone_sees_it()
    {
        await using var a = await PortalHost.StartAsync(DatabaseProvider.Postgres);
        var live = a.GetService<ILiveUpdates>();

        var error = Assert.Throws<ArgumentException>(() => live.Publish(Guid.NewGuid(), new ScaleOutNote(new string('x', 8000))));
        Assert.Contains("publish ids", error.Message);
    }

    [Theory, BothDatabases]
    public async Task Periodic_work_runs_once_per_interval_across_both_instances(DatabaseProvider provider)
    {
        var runs = new ConcurrentQueue<(string Node, string Holder, DateTimeOffset Slot)>();
        await using var a = await PortalHost.StartAsync(provider,
            configureServices: services => services.AddSingletonWork<RecordingWork>().AddSingleton(runs));
        await using var b = PortalHost.StartAnotherInstance(a,
            configureServices: services => services.AddSingletonWork<RecordingWork>().AddSingleton(runs));

        await a.WaitUntilAsync(() => Task.FromResult(runs.Count >= 6), TimeSpan.FromSeconds(60));

        var slots = runs.Select(r => r.Slot).ToList();
        Assert.All(runs, r => Assert.Contains(r.Node, new[] { a.GetService<ClusterNode>().Id, b.GetService<ClusterNode>().Id }));
        Assert.All(runs, r => Assert.Equal(r.Node, r.Holder)); // the lease is the runner's while it runs
        Assert.Equal(slots.Count, slots.Distinct().Count());
        Assert.All(slots, slot => Assert.Equal(ClusterWork.SlotOf(slot, RecordingWork.Every), slot));
    }

    // Offline detection across instances: the sweep runs in one of them, pages of both hear it (LISTEN/NOTIFY: PostgreSQL).
    [Fact]
    public async Task A_terminal_going_silent_is_marked_offline_once_and_both_instances_hear_it()
    {
        await using var a = await PortalHost.StartAsync(DatabaseProvider.Postgres, new Dictionary<string, string?>
        {
            ["Devices:CheckInIntervalSeconds"] = "1",
            ["Devices:MissedCheckInsBeforeOffline"] = "1",
            ["Devices:MonitorIntervalSeconds"] = "1",
        });
        await using var b = PortalHost.StartAnotherInstance(a);
        var (merchant, store) = await DeviceApiHarness.AddMerchantAsync(a.GetService<MerchantDirectory>(), "SILENT");
        var heard = new ConcurrentQueue<(string Instance, DeviceChanged Change)>();
        using var onA = a.GetService<ILiveUpdates>().Subscribe<DeviceChanged>([merchant.Id], change =>
        {
            heard.Enqueue(("A", change));
            return Task.CompletedTask;
        });
        using var onB = b.GetService<ILiveUpdates>().Subscribe<DeviceChanged>([merchant.Id], change =>
        {
            heard.Enqueue(("B", change));
            return Task.CompletedTask;
        });

        var terminal = await EnrollAsync(b, merchant, store);
        await terminal.CheckInAsync();
        await a.WaitUntilAsync(() => Task.FromResult(heard.Count(h => h.Change.Change == DeviceChange.WentOffline) == 2), TimeSpan.FromSeconds(30));

        await using var connection = await a.GetService<IDbConnectionFactory>().OpenAsync();
        var offlineAlerts = await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM device_alerts WHERE merchant_id = @merchantId AND device_id = @deviceId AND kind = @kind",
            new { merchantId = merchant.Id, deviceId = terminal.DeviceId, kind = (int)DeviceAlertKind.Offline });
        var sweeper = await connection.ExecuteScalarAsync<string>("SELECT holder FROM cluster_work WHERE name = 'devices.health-sweep'");
        Assert.Equal(1, offlineAlerts);
        Assert.Contains(sweeper, new[] { a.GetService<ClusterNode>().Id, b.GetService<ClusterNode>().Id });
        Assert.Equal(["A", "B"], heard.Where(h => h.Change.Change == DeviceChange.WentOffline).Select(h => h.Instance).Order());
    }

    private static async Task<DeviceApiHarness.Terminal> EnrollAsync(PortalHost portal, Merchant merchant, Store store)
    {
        var code = (await portal.GetService<EnrollmentCodes>()
            .CreateAsync(DeviceApiHarness.Admin, DeviceActor.CommandLine, merchant.Id, store.Id, 1, 24)).Single().Code;
        var client = portal.CreatePortalClient();
        var response = await client.PostAsJsonAsync("/api/v1/devices/enroll", DeviceApiHarness.EnrollBody(code, "SN-SCALE-1"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var enrolled = (await response.Content.ReadFromJsonAsync<EnrollResponse>())!;
        return new DeviceApiHarness.Terminal(enrolled.DeviceId, enrolled.DeviceSecret, client);
    }

    private static async Task<string> AntiforgeryTokenAsync(HttpClient browser, Uri page)
    {
        var match = TokenPattern().Match(await browser.GetStringAsync(page));
        Assert.True(match.Success, $"{page} has no antiforgery token");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}

public sealed record ScaleOutProbe(Guid AlertId);

public sealed record ScaleOutNote(string Text);

/// <summary>Cluster work that records, while it runs, which slot its job's last claim is for, and by whom.</summary>
public sealed class RecordingWork(ClusterNode node, ConcurrentQueue<(string Node, string Holder, DateTimeOffset Slot)> runs, ClusterWork cluster) : ISingletonWork
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(1);

    public string Name => "tests.recording";

    public TimeSpan Interval => Every;

    public async Task RunAsync(CancellationToken ct)
    {
        var claim = await cluster.LastClaimAsync(Name, ct) ?? throw new InvalidOperationException("Running without a claim.");
        runs.Enqueue((node.Id, claim.Holder, claim.Slot));
    }
}
