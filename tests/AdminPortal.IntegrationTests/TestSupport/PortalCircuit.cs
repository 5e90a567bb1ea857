using AdminPortal.Features.Accounts;
using AdminPortal.Testing;
using Bunit;
using Microsoft.AspNetCore.Components;
using MudBlazor.Services;

namespace AdminPortal.IntegrationTests.TestSupport;

internal static class PortalCircuit
{
    /// <summary>
    /// Sets the context up as <paramref name="person"/>'s circuit of the running portal: MudBlazor, their signed-in
    /// claims, an interactive server renderer, and the portal's own instances of <paramref name="services"/> (what the
    /// component under test injects), so it reads and writes the real database.
    /// </summary>
    public static async Task UsePortalCircuitAsync(this BunitContext context, PortalHost portal, Person person, params Type[] services)
    {
        var user = await portal.SignedInPrincipalAsync(person);
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices(options => options.SnackbarConfiguration.ShowTransitionDuration = 0);
        foreach (var service in services)
        {
            context.Services.AddSingleton(service, portal.Services.GetRequiredService(service));
        }

        context.AddAuthorization().SetAuthorized(person.DisplayName).SetClaims(user.Claims.ToArray());
        context.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }
}
