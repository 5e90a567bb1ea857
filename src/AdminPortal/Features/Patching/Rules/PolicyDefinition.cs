namespace AdminPortal.Features.Patching;

/// <summary>
/// Which devices of the merchant a policy covers. <see cref="AllDevices"/> covers every device; otherwise a device must
/// match every non-empty criterion (one of the stores, one of the models, at least one of the tags).
/// </summary>
public sealed record PolicyTarget(bool AllDevices, IReadOnlyList<Guid> StoreIds, IReadOnlyList<string> Models, IReadOnlyList<string> Tags)
{
    public static PolicyTarget Everything { get; } = new(true, [], [], []);

    [System.Text.Json.Serialization.JsonIgnore]
    public bool HasCriteria => StoreIds.Count > 0 || Models.Count > 0 || Tags.Count > 0;

    public bool Matches(DeviceSnapshot device)
    {
        if (AllDevices)
        {
            return true;
        }

        return HasCriteria
            && (StoreIds.Count == 0 || (device.StoreId is { } store && StoreIds.Contains(store)))
            && (Models.Count == 0 || Models.Contains(device.Model, StringComparer.OrdinalIgnoreCase))
            && (Tags.Count == 0 || device.Tags.Any(t => Tags.Contains(t, StringComparer.OrdinalIgnoreCase)));
    }

    public string Describe()
    {
        if (AllDevices)
        {
            return "All devices";
        }

        var parts = new List<string>();
        if (StoreIds.Count > 0)
        {
            parts.Add($"{StoreIds.Count} store(s)");
        }

        if (Models.Count > 0)
        {
            parts.Add("models " + string.Join(", ", Models));
        }

        if (Tags.Count > 0)
        {
            parts.Add("tags " + string.Join(", ", Tags));
        }

        return string.Join("; ", parts);
    }
}

/// <summary>The minimum version a component must run; <see cref="ReleaseId"/> names the catalogue release it comes from.</summary>
public sealed record ComponentRequirement(PatchComponent Component, string MinimumVersion, Guid? ReleaseId = null);

/// <summary>Everything a policy's author decides (the editable part; life cycle and rollout state live beside it).</summary>
public sealed record PolicyDefinition(
    PolicyTarget Target,
    IReadOnlyList<ComponentRequirement> Requirements,
    MaintenanceWindow Window,
    RolloutPlan Rollout,
    DateTimeOffset Deadline,
    int GraceDays,
    OverdueAction OverdueAction);
