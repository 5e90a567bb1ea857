using AdminPortal.Infrastructure.Database;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AdminPortal.Features.Patching;

public static class PatchingModule
{
    public static WebApplicationBuilder AddPatching(this WebApplicationBuilder builder)
    {
        DapperTypeHandlers.AddJson<PolicyDefinition>();
        var services = builder.Services;
        services.AddSingleton<PatchReleaseCatalogue>();
        services.AddSingleton<PatchPolicyQueries>();
        services.AddSingleton<PatchPolicyLifecycle>();
        services.AddSingleton<PatchInstallLedger>();
        services.AddSingleton<PatchPolicyProvider>();
        services.AddSingleton<PatchComplianceReports>();
        services.AddSingleton<RolloutSupervisor>();
        services.AddHostedService<RolloutSupervisorService>();

        // Extension points other slices fill. TryAdd: the Devices slice's inventory (registered before or after this
        // call with AddSingleton/Replace) wins over the empty stand-in.
        services.TryAddSingleton<IDeviceInventory, NoDeviceInventory>();

        // Step-up for activation. Integrator: once Accounts' IStepUp exists, replace this one line with
        // services.AddSingleton<IPolicyActivationStepUp, AccountsStepUpAdapter>() (see IPolicyActivationStepUp).
        services.TryAddSingleton<IPolicyActivationStepUp, StepUpNotWiredYet>();
        return builder;
    }

    public static WebApplication MapPatching(this WebApplication app) => app;
}
