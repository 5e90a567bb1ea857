namespace AdminPortal.Features.Patching;

/// <summary>What a release updates on a terminal. Stored as its integer value: never renumber.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(CamelCaseEnumConverter<PatchComponent>))]
public enum PatchComponent
{
    Os = 1,
    Firmware = 2,
    PaymentApp = 3,
}

/// <summary>Vendor severity of a release; drives the default deadline (PCI DSS 6.3.3: critical within one month).</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(CamelCaseEnumConverter<ReleaseSeverity>))]
public enum ReleaseSeverity
{
    Critical = 1,
    High = 2,
    Medium = 3,
    Low = 4,
}

/// <summary>What happens to a terminal still below the required version once deadline and grace have passed.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(CamelCaseEnumConverter<OverdueAction>))]
public enum OverdueAction
{
    /// <summary>The terminal shows a notice and the portal flags it; payments continue.</summary>
    Notify = 1,

    /// <summary>The check-in response tells the terminal to refuse payments until it is patched.</summary>
    BlockPayments = 2,

    /// <summary>The check-in response tells the terminal to lock itself.</summary>
    Lock = 3,
}

public static class PatchingLabels
{
    public static string Label(this PatchComponent component) => component switch
    {
        PatchComponent.Os => "Operating system",
        PatchComponent.Firmware => "Firmware",
        PatchComponent.PaymentApp => "Payment app",
        _ => component.ToString(),
    };

    /// <summary>Short form for dense tables.</summary>
    public static string ShortLabel(this PatchComponent component) => component switch
    {
        PatchComponent.Os => "OS",
        PatchComponent.PaymentApp => "Payment app",
        _ => component.ToString(),
    };

    public static string Label(this OverdueAction action) => action switch
    {
        OverdueAction.Notify => "Notify",
        OverdueAction.BlockPayments => "Block payments",
        OverdueAction.Lock => "Lock terminal",
        _ => action.ToString(),
    };
}
