using System.Security.Claims;
using AdminPortal.Features.Accounts;
using AdminPortal.Features.Incidents;
using AdminPortal.Features.Merchants;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using AdminPortal.IntegrationTests.Devices;
using AdminPortal.Testing;
using Dapper;

namespace AdminPortal.IntegrationTests.Incidents;

/// <summary>
/// The portal over a fresh database with two merchants ("Home" and "Zebra"), a clock the test moves, and one person per
/// role of Home: a support agent, an owner and a compliance officer, plus a platform admin. Intent methods speak the
/// Incidents C# API as each of them.
/// </summary>
public sealed class IncidentTestBed : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private IncidentTestBed(PortalHost portal, TestClock clock) => (Portal, Clock) = (portal, clock);

    public PortalHost Portal { get; }
    public TestClock Clock { get; }
    public Merchant Home { get; private set; } = default!;
    public Guid HomeStoreId { get; private set; }
    public Merchant Zebra { get; private set; } = default!;
    public Person Agent { get; private set; } = default!;
    public Person Owner { get; private set; } = default!;
    public Person Officer { get; private set; } = default!;
    public Person Admin { get; private set; } = default!;
    public Person ZebraOwner { get; private set; } = default!;

    public IncidentStore Store => Portal.GetService<IncidentStore>();

    public static async Task<IncidentTestBed> StartAsync(DatabaseProvider provider, bool fakeClock = true)
    {
        var clock = new TestClock(fakeClock ? Start : DateTimeOffset.UtcNow);
        // The escalation job's own loop runs once at start (nothing is due) and then hourly: tests call RunOnceAsync themselves.
        var portal = await PortalHost.StartAsync(provider, new Dictionary<string, string?> { ["Incidents:SlaCheckIntervalSeconds"] = "3600" },
            services =>
            {
                if (fakeClock)
                {
                    services.AddSingleton<TimeProvider>(clock);
                }
            });
        var bed = new IncidentTestBed(portal, clock);
        (bed.Home, bed.HomeStoreId) = await portal.CreateMerchantAsync("Home Merchant", "HOME-0001", "Home Store");
        (bed.Zebra, _) = await portal.CreateMerchantAsync("Zebra Foreign Merchant", "ZEBRA-9999", "Zebra Secret Store");
        bed.Agent = await bed.PersonAsync("agent@provider.example", "Sam Support", bed.Home.Id, MerchantRole.SupportAgent);
        bed.Owner = await bed.PersonAsync("owner@home.example", "Olive Owner", bed.Home.Id, MerchantRole.Owner);
        bed.Officer = await bed.PersonAsync("officer@home.example", "Cora Compliance", bed.Home.Id, MerchantRole.ComplianceOfficer);
        bed.ZebraOwner = await bed.PersonAsync("owner@zebra.example", "Zed Owner", bed.Zebra.Id, MerchantRole.Owner);
        bed.Admin = await portal.CreatePersonAsync("admin@provider.example", platformAdmin: true, displayName: "Ada Admin");
        return bed;
    }

    public async Task<Person> PersonAsync(string email, string name, Guid merchantId, MerchantRole role)
    {
        var person = await Portal.CreatePersonAsync(email, displayName: name);
        await Portal.GrantRoleAsync(merchantId, person.Id, role);
        return person;
    }

    public async Task<AccessScope> ScopeAsync(Person person) =>
        await Portal.GetService<IAccessScopeProvider>().GetAsync(await Portal.SignedInPrincipalAsync(person));

    public Task<ClaimsPrincipal> PrincipalAsync(Person person, bool freshStepUp = false) => Portal.SignedInPrincipalAsync(person, freshStepUp);

    public static IncidentActor Actor(Person person) => new(person.Id, person.DisplayName);

    /// <summary>Reports an incident in Home as the owner and returns it.</summary>
    public async Task<Incident> ReportAsync(IncidentSeverity severity = IncidentSeverity.Sev2, IncidentType type = IncidentType.Malware,
        IReadOnlyList<Guid>? devices = null, Person? reporter = null)
    {
        reporter ??= Owner;
        var (result, id) = await Store.ReportAsync(await ScopeAsync(reporter), Actor(reporter),
            new NewIncident(Home.Id, "Suspicious app on the back-office PC", type, severity, "The antivirus flagged an unknown remote-access tool.", devices));
        Assert.True(result.Succeeded, result.Message);
        return await FindAsync(id!.Value);
    }

    public async Task<Incident> FindAsync(Guid id) => (await Store.FindAsync(AccessScope.PlatformAdmin(Admin.Id), id))!;

    /// <summary>Runs a change as <paramref name="person"/> on the incident's current version and asserts it succeeded.</summary>
    public async Task<Incident> DoAsync(Person person, Incident incident, Func<IncidentStore, AccessScope, IncidentActor, int, Task<IncidentResult>> change)
    {
        var current = await FindAsync(incident.Id);
        var result = await change(Store, await ScopeAsync(person), Actor(person), current.Version);
        Assert.True(result.Succeeded, result.Message);
        return await FindAsync(incident.Id);
    }

    /// <summary>An active terminal of Home, inserted directly (the device API is tested in the Devices slice).</summary>
    public async Task<Guid> TerminalAsync(string serial, Guid? merchantId = null, Guid? storeId = null)
    {
        var id = Guid.NewGuid();
        var db = Portal.GetService<IDbConnectionFactory>();
        await using var connection = await db.OpenAsync();
        await connection.ExecuteAsync(
            """
            INSERT INTO devices (merchant_id, id, store_id, serial_number, status, tamper_state, check_in_interval_seconds, is_online, created_at, updated_at)
            VALUES (@merchantId, @id, @storeId, @serial, 1, 0, 300, @online, @now, @now)
            """, new { merchantId = merchantId ?? Home.Id, id, storeId = storeId ?? HomeStoreId, serial, online = false, now = Clock.GetUtcNow() });
        return id;
    }

    /// <summary>An open fraud alert of Home on the terminal, inserted directly (scoring is tested in the Fraud slice).</summary>
    public async Task<Guid> FraudAlertAsync(Guid deviceId)
    {
        var id = Guid.NewGuid();
        var now = Clock.GetUtcNow();
        var db = Portal.GetService<IDbConnectionFactory>();
        await using var connection = await db.OpenAsync();
        await connection.ExecuteAsync(
            """
            INSERT INTO fraud_alerts (merchant_id, id, status, severity, score, device_id, store_id, card_token, bin, last4, rules, summary, hit_count,
                                      first_event_at, last_event_at, opened_at, updated_at)
            VALUES (@merchantId, @id, 0, 2, 120, @deviceId, @storeId, 'tok_card', '411111', '4242', ',card-velocity,', 'Card used 7 times in 10 minutes', 2,
                    @now, @now, @now, @now)
            """, new { merchantId = Home.Id, id, deviceId, storeId = HomeStoreId, now });
        return id;
    }

    public async ValueTask DisposeAsync() => await Portal.DisposeAsync();
}
