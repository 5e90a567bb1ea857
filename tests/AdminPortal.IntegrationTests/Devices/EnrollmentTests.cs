using System.Net;
using System.Net.Http.Json;
using AdminPortal.Features.Devices;
using AdminPortal.Features.Devices.Api;
using AdminPortal.Features.Devices.Enrollment;
using AdminPortal.Features.Merchants;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using Dapper;

namespace AdminPortal.IntegrationTests.Devices;

public sealed class EnrollmentTests
{
    [Theory, BothDatabases]
    public async Task A_code_enrolls_one_device_bound_to_its_merchant_and_store_and_stores_only_the_secret_hash(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var code = await api.NewCodeAsync();

        var response = await api.PostEnrollAsync(DeviceApiHarness.EnrollBody(code.ToLowerInvariant(), "sn-abc-1"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var enrolled = (await response.Content.ReadFromJsonAsync<EnrollResponse>())!;
        Assert.Equal(300, enrolled.CheckInIntervalSeconds);
        Assert.True(enrolled.DeviceSecret.Length >= 40);
        await using var connection = await api.Portal.GetService<IDbConnectionFactory>().OpenAsync();
        var row = await connection.QuerySingleAsync<(string MerchantId, string StoreId, string Serial, string SecretHash, long Status)>(
            "SELECT CAST(merchant_id AS TEXT), CAST(store_id AS TEXT), serial_number, secret_hash, CAST(status AS BIGINT) FROM devices");
        Assert.Equal(api.Merchant.Id, Guid.Parse(row.MerchantId));
        Assert.Equal(api.Store.Id, Guid.Parse(row.StoreId));
        Assert.Equal("SN-ABC-1", row.Serial);
        Assert.Equal((long)DeviceStatus.Active, row.Status);
        Assert.Equal(DeviceSecrets.HashSecret(enrolled.DeviceSecret), row.SecretHash);
        Assert.DoesNotContain(enrolled.DeviceSecret, row.SecretHash);
        var audit = await connection.QuerySingleAsync<string>("SELECT action FROM audit_log WHERE action = 'device.enrolled'");
        Assert.Equal("device.enrolled", audit);
    }

    [Theory, BothDatabases]
    public async Task A_used_code_never_yields_a_second_device_but_a_lost_answer_can_be_retried(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var code = await api.NewCodeAsync();

        var first = await (await api.PostEnrollAsync(DeviceApiHarness.EnrollBody(code, "SN-1"))).Content.ReadFromJsonAsync<EnrollResponse>();
        var retry = await api.PostEnrollAsync(DeviceApiHarness.EnrollBody(code, "SN-1"));
        var otherSerial = await api.PostEnrollAsync(DeviceApiHarness.EnrollBody(code, "SN-2"));

        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        var retried = (await retry.Content.ReadFromJsonAsync<EnrollResponse>())!;
        Assert.Equal(first!.DeviceId, retried.DeviceId);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, otherSerial.StatusCode);
        Assert.True((await DeviceApiHarness.ProblemAsync(otherSerial)).GetProperty("errors").TryGetProperty("enrollmentCode", out _));

        // The retry replaced the secret the lost answer carried; once the device has checked in, the code is spent.
        var stale = new DeviceApiHarness.Terminal(first.DeviceId, first.DeviceSecret, api.Client);
        Assert.Equal(HttpStatusCode.Unauthorized, (await stale.PostAsync("/api/v1/devices/checkin", DeviceApiHarness.CheckInBody())).StatusCode);
        await new DeviceApiHarness.Terminal(retried.DeviceId, retried.DeviceSecret, api.Portal.CreatePortalClient()).CheckInAsync();
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await api.PostEnrollAsync(DeviceApiHarness.EnrollBody(code, "SN-1"))).StatusCode);
        await using var connection = await api.Portal.GetService<IDbConnectionFactory>().OpenAsync();
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM devices"));
    }

    [Theory, BothDatabases]
    public async Task Concurrent_enrollments_with_one_code_create_one_device(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var code = await api.NewCodeAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => api.PostEnrollAsync(DeviceApiHarness.EnrollBody(code, $"SN-{i}"))));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode));
        await using var connection = await api.Portal.GetService<IDbConnectionFactory>().OpenAsync();
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM devices"));
    }

    [Theory, BothDatabases]
    public async Task Expired_and_unknown_codes_are_refused_naming_the_field(DatabaseProvider provider)
    {
        var clock = new TestClock(DateTimeOffset.UtcNow);
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var codes = new EnrollmentCodes(
            api.Portal.GetService<IDbConnectionFactory>(), api.Portal.GetService<MerchantDirectory>(),
            api.Portal.GetService<AdminPortal.Features.Audit.IAuditLog>(), clock,
            Microsoft.Extensions.Options.Options.Create(new DeviceOptions()));
        clock.Advance(TimeSpan.FromHours(-25));
        var expired = (await codes.CreateAsync(DeviceApiHarness.Admin, DeviceActor.CommandLine, api.Merchant.Id, api.Store.Id, 1)).Single();

        var late = await api.PostEnrollAsync(DeviceApiHarness.EnrollBody(expired.Code));
        var unknown = await api.PostEnrollAsync(DeviceApiHarness.EnrollBody("AAAA-BBBB-CCCC"));

        foreach (var response in new[] { late, unknown })
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.True((await DeviceApiHarness.ProblemAsync(response)).GetProperty("errors").TryGetProperty("enrollmentCode", out _));
        }
    }

    [Theory, BothDatabases]
    public async Task A_pre_registered_serial_becomes_active_when_it_enrolls(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var imports = api.Portal.GetService<AdminPortal.Features.Devices.Bulk.ExpectedDevices>();
        var added = await imports.RegisterAsync(DeviceApiHarness.Admin, DeviceActor.CommandLine, api.Merchant.Id, api.Store.Id, ["sn-pre-1", "SN-PRE-2"]);

        await api.EnrollAsync("SN-PRE-1");

        Assert.Equal(2, added);
        await using var connection = await api.Portal.GetService<IDbConnectionFactory>().OpenAsync();
        var statuses = (await connection.QueryAsync<(string Serial, long Status)>(
            "SELECT serial_number, CAST(status AS BIGINT) FROM devices ORDER BY serial_number")).ToList();
        Assert.Equal([("SN-PRE-1", (long)DeviceStatus.Active), ("SN-PRE-2", (long)DeviceStatus.Pending)], statuses);
    }

    [Theory, BothDatabases]
    public async Task Codes_are_created_only_within_the_scope_and_listed_only_to_it(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var directory = api.Portal.GetService<MerchantDirectory>();
        var (other, otherStore) = await DeviceApiHarness.AddMerchantAsync(directory, "B");
        var codes = api.Portal.GetService<EnrollmentCodes>();
        var ownerOfA = new AccessScope(Guid.NewGuid(), false, [new MerchantGrant(api.Merchant.Id, MerchantRole.Owner)]);
        var officerOfB = new AccessScope(Guid.NewGuid(), false, [new MerchantGrant(other.Id, MerchantRole.ComplianceOfficer)]);
        await codes.CreateAsync(DeviceApiHarness.Admin, DeviceActor.CommandLine, other.Id, otherStore.Id, 2);

        await codes.CreateAsync(ownerOfA, DeviceActor.CommandLine, api.Merchant.Id, api.Store.Id, 3);
        await Assert.ThrowsAsync<KeyNotFoundException>(() => codes.CreateAsync(ownerOfA, DeviceActor.CommandLine, other.Id, otherStore.Id, 1));
        await Assert.ThrowsAsync<DeviceActionDeniedException>(() => codes.CreateAsync(officerOfB, DeviceActor.CommandLine, other.Id, otherStore.Id, 1));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => codes.CreateAsync(ownerOfA, DeviceActor.CommandLine, api.Merchant.Id, otherStore.Id, 1));

        Assert.Equal(3, (await codes.ListAsync(ownerOfA)).Count);
        Assert.All(await codes.ListAsync(ownerOfA), c => Assert.Equal(api.Merchant.Id, c.MerchantId));
        Assert.Empty(await codes.ListAsync(ownerOfA, other.Id));
        Assert.Empty(await codes.ListAsync(AccessScope.Nobody));
        Assert.Equal(5, (await codes.ListAsync(DeviceApiHarness.Admin)).Count);
    }
}
