namespace AdminPortal.Features.Patching;

/// <summary>One problem with an input, naming the field a person has to fix.</summary>
public sealed record ValidationProblem(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}

public sealed class PatchingValidationException(IReadOnlyList<ValidationProblem> problems)
    : Exception(string.Join(" ", problems.Select(p => p.Message)))
{
    public IReadOnlyList<ValidationProblem> Problems { get; } = problems;
}

public static class PolicyValidation
{
    public const int MaxNameLength = 120;
    public const int MaxGraceDays = 90;

    public static IReadOnlyList<ValidationProblem> Validate(string? name, PolicyDefinition definition)
    {
        var problems = new List<ValidationProblem>();
        if (string.IsNullOrWhiteSpace(name))
        {
            problems.Add(new("Name", "Give the policy a name."));
        }
        else if (name.Trim().Length > MaxNameLength)
        {
            problems.Add(new("Name", $"The name is longer than {MaxNameLength} characters."));
        }

        if (!definition.Target.AllDevices && !definition.Target.HasCriteria)
        {
            problems.Add(new("Target", "Choose all devices, or at least one store, model or tag."));
        }

        // A tag no device could carry would silently target nothing.
        foreach (var tag in definition.Target.Tags)
        {
            if (Devices.Tags.DeviceTagRules.Problem(tag) is { } problem)
            {
                problems.Add(new("Tags", $"\"{tag}\": {problem}"));
            }
        }

        if (definition.Requirements.Count == 0)
        {
            problems.Add(new("Requirements", "Require a minimum version for at least one component."));
        }

        foreach (var duplicate in definition.Requirements.GroupBy(r => r.Component).Where(g => g.Count() > 1))
        {
            problems.Add(new("Requirements", $"{duplicate.Key.Label()} is required more than once; keep one minimum version."));
        }

        foreach (var requirement in definition.Requirements)
        {
            if (!Enum.IsDefined(requirement.Component))
            {
                problems.Add(new("Requirements", "Unknown component."));
            }
            else if (!PatchVersion.TryParse(requirement.MinimumVersion, out _, out var error))
            {
                problems.Add(new("Requirements", $"{requirement.Component.Label()}: {error}"));
            }
        }

        if (definition.Window.Days.Count == 0)
        {
            problems.Add(new("Window", "Choose at least one day for the maintenance window."));
        }

        ValidateRollout(definition.Rollout, problems);

        if (definition.GraceDays is < 0 or > MaxGraceDays)
        {
            problems.Add(new("GraceDays", $"The grace period is between 0 and {MaxGraceDays} days."));
        }

        if (!Enum.IsDefined(definition.OverdueAction))
        {
            problems.Add(new("OverdueAction", "Choose what happens to overdue devices."));
        }

        return problems;
    }

    private static void ValidateRollout(RolloutPlan plan, List<ValidationProblem> problems)
    {
        var rings = plan.RingPercents;
        if (rings.Count == 0 || rings[^1] != 100m)
        {
            problems.Add(new("Rings", "The last ring must reach 100 % of the targeted devices."));
        }

        if (rings.Any(p => p <= 0 || p > 100))
        {
            problems.Add(new("Rings", "Each ring is a percentage above 0 and at most 100."));
        }

        for (var i = 1; i < rings.Count; i++)
        {
            if (rings[i] <= rings[i - 1])
            {
                problems.Add(new("Rings", "Rings grow: each ring covers more devices than the one before (for example 1, 5, 20, 100)."));
                break;
            }
        }

        if (plan.Soak < TimeSpan.Zero || plan.Soak > TimeSpan.FromDays(30))
        {
            problems.Add(new("Soak", "The soak time is between 0 hours and 30 days."));
        }

        if (plan.FailureThresholdPercent is <= 0 or > 100)
        {
            problems.Add(new("FailureThreshold", "The failure threshold is a percentage above 0 and at most 100."));
        }

        if (plan.MinimumSample < 1)
        {
            problems.Add(new("FailureThreshold", "At least one install is needed before a failure rate means anything."));
        }
    }

    /// <summary>Parses "1, 5, 20, 100" as typed into the ring field.</summary>
    public static bool TryParseRings(string? text, out IReadOnlyList<decimal> rings)
    {
        var list = new List<decimal>();
        foreach (var piece in (text ?? "").Split([',', ' ', '→', '%'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (!decimal.TryParse(piece, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var percent))
            {
                rings = [];
                return false;
            }

            list.Add(percent);
        }

        rings = list;
        return list.Count > 0;
    }
}
