using Microsoft.AspNetCore.Components;

namespace AdminPortal.Features.Fraud;

/// <summary>
/// An action of a higher slice (e.g. Incidents' "Escalate to incident") shown on the alert page, so Fraud never imports
/// that slice. The component receives <c>[Parameter] public FraudAlert Alert</c>; the page has already checked that the
/// person may see the alert, the component decides whether they may act.
/// </summary>
public sealed record AlertPageAction(Type Component, int Order);

public static class AlertActionRegistration
{
    public static IServiceCollection AddFraudAlertAction<TComponent>(this IServiceCollection services, int order)
        where TComponent : IComponent =>
        services.AddSingleton(new AlertPageAction(typeof(TComponent), order));
}
