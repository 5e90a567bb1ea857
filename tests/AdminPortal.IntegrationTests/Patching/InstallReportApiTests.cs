using System.Net;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Features.Patching;
using AdminPortal.Infrastructure.Database;
using AdminPortal.IntegrationTests.Devices;
using AdminPortal.Testing;

namespace AdminPortal.IntegrationTests.Patching;

/// <summary>Install reports as terminals send them: in the check-in body, idempotent on their report id.</summary>
public sealed class InstallReportApiTests
{
    [Theory, BothDatabases]
    public async Task A_check_in_records_its_install_reports_once_however_often_it_is_retried(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var terminal = await api.EnrollAsync();
        var reportId = Guid.NewGuid();
        var body = CheckIn(new { reportId, component = "paymentApp", version = "3.5.0", status = "failed", detail = "signature check failed", occurredAt = DateTimeOffset.UtcNow });

        await terminal.CheckInAsync(body);
        await terminal.CheckInAsync(body);

        var recorded = Assert.Single(await api.Portal.GetService<PatchInstallLedger>()
            .ListAsync(AccessScope.PlatformAdmin(Guid.NewGuid()), api.Merchant.Id, DateTimeOffset.UtcNow.AddHours(-1)));
        Assert.Equal((reportId, terminal.DeviceId, PatchComponent.PaymentApp, "3.5.0", false, "signature check failed"),
            (recorded.Id, recorded.DeviceId, recorded.Component, recorded.Version, recorded.Succeeded, recorded.Detail));
    }

    [Theory, BothDatabases]
    public async Task A_bad_install_report_is_refused_naming_its_field_and_nothing_of_the_check_in_is_stored(DatabaseProvider provider)
    {
        await using var api = await DeviceApiHarness.StartAsync(provider);
        var terminal = await api.EnrollAsync();

        var response = await terminal.PostAsync("/api/v1/devices/checkin",
            CheckIn(new { reportId = Guid.NewGuid(), component = "kernel", version = "13.2-rc1", status = "succeeded" }));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var errors = (await DeviceApiHarness.ProblemAsync(response)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("installs[0].component", out _));
        Assert.True(errors.TryGetProperty("installs[0].version", out _));
        var device = await api.Portal.GetService<AdminPortal.Features.Devices.DeviceDirectory>().GetAsync(AccessScope.PlatformAdmin(Guid.NewGuid()), terminal.DeviceId);
        Assert.Null(device!.LastSeenAt);
    }

    private static object CheckIn(object install) => new
    {
        osVersion = "13.1", firmwareVersion = "2.1", appVersion = "3.4.0", batteryPercent = 80,
        network = new { type = "wifi", encrypted = true },
        tamper = new { state = "ok" },
        installs = new[] { install },
    };
}
