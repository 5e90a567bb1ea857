using System.Globalization;

namespace AdminPortal.Features.Patching.Pages;

/// <summary>The policy editor's fields, as people type them; <see cref="ToDefinition"/> turns them into the domain record.</summary>
public sealed class PolicyForm
{
    public Guid? MerchantId { get; set; }
    public string? Name { get; set; }
    public bool AllDevices { get; set; } = true;
    public IReadOnlyCollection<Guid> StoreIds { get; set; } = [];
    public string? Models { get; set; }
    public string? Tags { get; set; }
    public Dictionary<PatchComponent, RequirementField> Requirements { get; } =
        Enum.GetValues<PatchComponent>().ToDictionary(c => c, _ => new RequirementField());
    public IReadOnlyCollection<DayOfWeek> Days { get; set; } = Enum.GetValues<DayOfWeek>();
    public TimeSpan? WindowStart { get; set; } = new(1, 0, 0);
    public TimeSpan? WindowEnd { get; set; } = new(5, 0, 0);
    public string? Rings { get; set; } = "1, 5, 20, 100";
    public double SoakHours { get; set; } = 24;
    public decimal FailureThresholdPercent { get; set; } = 5;
    public DateTime? Deadline { get; set; }
    public int GraceDays { get; set; } = 7;
    public OverdueAction OverdueAction { get; set; } = OverdueAction.Notify;

    public sealed class RequirementField
    {
        public string? MinimumVersion { get; set; }
        public Guid? ReleaseId { get; set; }
    }

    /// <summary>Problems the domain validation cannot see because the field did not even parse.</summary>
    public List<ValidationProblem> ParseProblems()
    {
        var problems = new List<ValidationProblem>();
        if (MerchantId is null)
        {
            problems.Add(new("Merchant", "Choose the merchant the policy belongs to."));
        }

        if (!PolicyValidation.TryParseRings(Rings, out _))
        {
            problems.Add(new("Rings", "Type the ring sizes as percentages separated by commas, such as 1, 5, 20, 100."));
        }

        if (Deadline is null)
        {
            problems.Add(new("Deadline", "Choose a deadline (PCI DSS 6.3.3: within one month of release for critical patches)."));
        }

        if (WindowStart is null || WindowEnd is null)
        {
            problems.Add(new("Window", "Choose when the maintenance window opens and closes."));
        }

        return problems;
    }

    public PolicyDefinition ToDefinition()
    {
        PolicyValidation.TryParseRings(Rings, out var rings);
        return new PolicyDefinition(
            new PolicyTarget(AllDevices, AllDevices ? [] : StoreIds.ToList(), AllDevices ? [] : ReleaseValidation.SplitNames(Models),
                AllDevices ? [] : ReleaseValidation.SplitNames(Tags).Select(Devices.Tags.DeviceTagRules.Normalise).Distinct().ToList()),
            Requirements.Where(r => !string.IsNullOrWhiteSpace(r.Value.MinimumVersion))
                .Select(r => new ComponentRequirement(r.Key, r.Value.MinimumVersion!.Trim(), r.Value.ReleaseId))
                .ToList(),
            new MaintenanceWindow(Days.Distinct().OrderBy(d => d).ToList(), TimeOnly.FromTimeSpan(WindowStart ?? TimeSpan.Zero), TimeOnly.FromTimeSpan(WindowEnd ?? TimeSpan.Zero)),
            new RolloutPlan(rings, TimeSpan.FromHours(SoakHours), FailureThresholdPercent),
            new DateTimeOffset(DateTime.SpecifyKind((Deadline ?? DateTime.UtcNow).Date, DateTimeKind.Utc)),
            GraceDays,
            OverdueAction);
    }

    public static PolicyForm From(PatchPolicy policy)
    {
        var d = policy.Definition;
        var form = new PolicyForm
        {
            MerchantId = policy.MerchantId,
            Name = policy.Name,
            AllDevices = d.Target.AllDevices,
            StoreIds = d.Target.StoreIds.ToList(),
            Models = string.Join(", ", d.Target.Models),
            Tags = string.Join(", ", d.Target.Tags),
            Days = d.Window.Days.ToList(),
            WindowStart = d.Window.Start.ToTimeSpan(),
            WindowEnd = d.Window.End.ToTimeSpan(),
            Rings = string.Join(", ", d.Rollout.RingPercents.Select(p => p.ToString("0.##", CultureInfo.InvariantCulture))),
            SoakHours = d.Rollout.Soak.TotalHours,
            FailureThresholdPercent = d.Rollout.FailureThresholdPercent,
            Deadline = d.Deadline.UtcDateTime.Date,
            GraceDays = d.GraceDays,
            OverdueAction = d.OverdueAction,
        };
        foreach (var requirement in d.Requirements)
        {
            form.Requirements[requirement.Component].MinimumVersion = requirement.MinimumVersion;
            form.Requirements[requirement.Component].ReleaseId = requirement.ReleaseId;
        }

        return form;
    }
}
