using System.Text.Json;
using AdminPortal.Features.Patching;

namespace AdminPortal.Tests.Patching;

/// <summary>The <c>patchPolicy</c> shape terminals read: names, not our integer values.</summary>
public sealed class CheckInJsonTests
{
    [Fact]
    public void The_effective_policy_serialises_with_names_a_terminal_can_read()
    {
        var now = new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
        var device = new DeviceSnapshot(Guid.NewGuid(), Guid.NewGuid(), null, "A920", [],
            new Dictionary<PatchComponent, string> { [PatchComponent.PaymentApp] = "5.0" }, now, StoreTimeZone: "Europe/London");
        var definition = new PolicyDefinition(PolicyTarget.Everything, [new ComponentRequirement(PatchComponent.PaymentApp, "5.12.1")],
            new MaintenanceWindow([DayOfWeek.Saturday, DayOfWeek.Monday], new TimeOnly(1, 0), new TimeOnly(5, 0)),
            new RolloutPlan([100m], TimeSpan.FromHours(1), 5m), now.AddDays(-30), 0, OverdueAction.BlockPayments);
        var effective = EffectivePolicyResolver.Resolve(device,
            [new PolicyInForce(Guid.NewGuid(), device.MerchantId, "App", definition, RolloutState.StartAt(now.AddDays(-40)))], [], now)!;

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(effective, new JsonSerializerOptions(JsonSerializerDefaults.Web)));
        var root = json.RootElement;

        Assert.Equal("blockPayments", root.GetProperty("enforcement").GetString());
        Assert.Equal("overdue", root.GetProperty("compliance").GetString());
        Assert.Equal("paymentApp", root.GetProperty("install")[0].GetProperty("component").GetString());
        Assert.Equal("5.12.1", root.GetProperty("install")[0].GetProperty("minimumVersion").GetString());
        Assert.Equal(["monday", "saturday"], root.GetProperty("window").GetProperty("days").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal("Europe/London", root.GetProperty("window").GetProperty("timeZone").GetString());
        Assert.Equal("2026-03-14T01:00:00+00:00", root.GetProperty("window").GetProperty("opensAt").GetString());
    }

    [Fact]
    public void Stored_definitions_written_with_integers_still_read()
    {
        var definition = JsonSerializer.Deserialize<ComponentRequirement>("""{"component":1,"minimumVersion":"13.2"}""",
            new JsonSerializerOptions(JsonSerializerDefaults.Web));
        Assert.Equal(PatchComponent.Os, definition!.Component);
    }
}
