using AdminPortal.Features.Devices;
using AdminPortal.Features.Devices.Pages;
using AdminPortal.Tests.TestSupport;
using Bunit;
using MudBlazor;

namespace AdminPortal.Tests.Devices;

public sealed class TypedConfirmationDialogTests : PortalComponentTest
{
    [Fact]
    public async Task Confirm_is_enabled_only_once_the_serial_is_typed()
    {
        var provider = Render<MudDialogProvider>();
        var dialogs = Context.Services.GetRequiredService<IDialogService>();
        IDialogReference? reference = null;
        await provider.InvokeAsync(async () => reference = await dialogs.ShowAsync<TypedConfirmationDialog>("Wipe SN-1?", new DialogParameters<TypedConfirmationDialog>
        {
            { d => d.Message, "Wiping cannot be undone." },
            { d => d.Expected, "SN-1" },
            { d => d.ConfirmText, "Wipe" },
        }));

        Assert.True(provider.Find("[data-testid=confirm]").HasAttribute("disabled"));
        provider.Find(".mud-dialog input").Input("SN-2");
        Assert.True(provider.Find("[data-testid=confirm]").HasAttribute("disabled"));
        provider.Find(".mud-dialog input").Input("sn-1");
        provider.WaitForAssertion(() => Assert.False(provider.Find("[data-testid=confirm]").HasAttribute("disabled")));
        provider.Find("[data-testid=confirm]").Click();

        var result = await reference!.Result.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(result!.Canceled);
    }

    [Fact]
    public void The_status_chip_shows_status_reachability_and_tamper()
    {
        var chip = Render<DeviceStatusChip>(p => p.Add(c => c.Status, DeviceStatus.LostOrStolen).Add(c => c.IsOnline, false).Add(c => c.Tamper, TamperState.Tampered));

        Assert.Equal("lost or stolen", chip.Find("[data-testid=device-status]").TextContent.Trim());
        Assert.Equal("offline", chip.Find("[data-testid=device-online]").TextContent.Trim());
        Assert.NotNull(chip.Find("[data-testid=device-tampered]"));
    }
}
