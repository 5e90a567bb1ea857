using AdminPortal.Features.Devices;
using AdminPortal.Features.Devices.Api;
using AdminPortal.Features.Devices.Commands;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace AdminPortal.Tests.Devices;

public sealed class DeviceRequestValidationTests
{
    private static CheckInRequest Valid() => new("Android 10", "FW 1", "3.4.0", 50, new NetworkReport("cellular", true),
        new LocationReport(52.5, 13.4, 10), new TamperReport("ok", null), new SecurityReport(false, true));

    [Fact]
    public void A_complete_check_in_is_accepted_as_reported()
    {
        var (report, errors) = DeviceRequestValidation.Validate(Valid());

        Assert.Empty(errors);
        Assert.Equal(("cellular", TamperState.Ok, 50, 52.5), (report!.NetworkType, report.TamperState, report.BatteryPercent, report.Latitude!.Value));
    }

    [Fact]
    public void Every_missing_or_out_of_range_field_is_named_by_its_json_path()
    {
        var request = Valid() with
        {
            OsVersion = " ", BatteryPercent = -1, Network = new NetworkReport("wifi", null), Location = new LocationReport(10, 200, -5),
            Tamper = new TamperReport("broken", new string('x', 600)),
        };

        var (report, errors) = DeviceRequestValidation.Validate(request);

        Assert.Null(report);
        Assert.Equal(
            ["batteryPercent", "location.accuracyMeters", "location.lon", "network.encrypted", "osVersion", "tamper.detail", "tamper.state"],
            errors.Keys.Order());
    }

    [Fact]
    public void Enrollment_upper_cases_the_serial_and_refuses_odd_characters()
    {
        var (details, _) = DeviceRequestValidation.Validate(new EnrollRequest("ABCD-EFGH-JKMN", "sn-1/a", "A920", "PAX", "A10", "F1", "1.0"));
        var (_, errors) = DeviceRequestValidation.Validate(new EnrollRequest("ABCD", "sn 1", "A920", "PAX", "A10", "F1", "1.0"));

        Assert.Equal("SN-1/A", details!.SerialNumber);
        Assert.Equal(["serialNumber"], errors.Keys);
    }

    [Theory]
    [InlineData(DeviceCommandType.Lock, DeviceStatus.Active, DeviceStatus.Locked)]
    [InlineData(DeviceCommandType.Lock, DeviceStatus.LostOrStolen, null)]
    [InlineData(DeviceCommandType.Unlock, DeviceStatus.LostOrStolen, DeviceStatus.Active)]
    [InlineData(DeviceCommandType.Reboot, DeviceStatus.Active, null)]
    [InlineData(DeviceCommandType.Wipe, DeviceStatus.Locked, DeviceStatus.Wiped)]
    [InlineData(DeviceCommandType.Retire, DeviceStatus.Active, DeviceStatus.Retired)]
    public void A_succeeded_command_moves_the_device_status(DeviceCommandType type, DeviceStatus from, DeviceStatus? to) =>
        Assert.Equal(to, DeviceCommandService.NewStatus(type, from));

    [Theory]
    [InlineData("a")]
    [InlineData("ci-0f1e2d3c:retry_1.2")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567891234")]
    public void An_idempotency_key_of_1_to_64_allowed_characters_is_accepted(string key)
    {
        var (accepted, errors) = DeviceRequestValidation.ValidateIdempotencyKey(new HeaderDictionary { ["Idempotency-Key"] = key });

        Assert.Empty(errors);
        Assert.Equal(key, accepted);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("slash/key")]
    [InlineData("ümlaut")]
    [InlineData("01234567890123456789012345678901234567890123456789012345678912345")]
    public void A_malformed_idempotency_key_is_named_by_its_header(string key)
    {
        var (accepted, errors) = DeviceRequestValidation.ValidateIdempotencyKey(new HeaderDictionary { ["Idempotency-Key"] = key });

        Assert.Null(accepted);
        Assert.Equal(["Idempotency-Key"], errors.Keys);
    }

    [Fact]
    public void No_idempotency_key_is_fine_and_two_are_refused()
    {
        Assert.Equal((null, 0), Summary(DeviceRequestValidation.ValidateIdempotencyKey(new HeaderDictionary())));
        Assert.Equal((null, 1), Summary(DeviceRequestValidation.ValidateIdempotencyKey(
            new HeaderDictionary { ["Idempotency-Key"] = new StringValues(["a", "b"]) })));

        static (string?, int) Summary((string? Key, Dictionary<string, string[]> Errors) result) => (result.Key, result.Errors.Count);
    }
}
