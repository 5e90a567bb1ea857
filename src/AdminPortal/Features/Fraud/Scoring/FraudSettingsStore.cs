using AdminPortal.Features.Audit;
using AdminPortal.Infrastructure.Database;
using Dapper;

namespace AdminPortal.Features.Fraud.Scoring;

/// <summary>Per-merchant rule settings: one row each, defaults where none is stored. Saving swaps the live engine's settings at once.</summary>
public sealed class FraudSettingsStore(IDbConnectionFactory db, IAuditLog audit, FraudEngine engine, TimeProvider clock)
{
    public async Task<FraudSettings> GetAsync(Guid merchantId, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<SettingsRow>(new CommandDefinition(
            "SELECT alert_threshold AS AlertThreshold, join_minutes AS JoinMinutes, rules AS Rules FROM fraud_settings WHERE merchant_id = @merchantId",
            new { merchantId }, cancellationToken: ct));
        return row is null
            ? FraudSettings.Default
            : new FraudSettings { AlertThreshold = row.AlertThreshold, JoinMinutes = row.JoinMinutes, Rules = row.Rules ?? [] }.Normalised();
    }

    /// <summary>Stores the settings and audits what changed, in one transaction; the engine uses them for the next event.</summary>
    public async Task SaveAsync(Guid merchantId, FraudSettings settings, Analyst analyst, CancellationToken ct = default)
    {
        settings = settings.Normalised();
        var before = await GetAsync(merchantId, ct);
        var changes = Describe(before, settings);
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO fraud_settings (merchant_id, alert_threshold, join_minutes, rules, updated_at, updated_by_name)
            VALUES (@merchantId, @AlertThreshold, @JoinMinutes, @rules, @now, @name)
            ON CONFLICT (merchant_id) DO UPDATE SET alert_threshold = excluded.alert_threshold, join_minutes = excluded.join_minutes,
                rules = excluded.rules, updated_at = excluded.updated_at, updated_by_name = excluded.updated_by_name
            """,
            new { merchantId, settings.AlertThreshold, settings.JoinMinutes, rules = settings.Rules.ToList(), now = clock.GetUtcNow(), name = analyst.Name },
            transaction, cancellationToken: ct));
        await audit.RecordAsync(new AuditEvent
        {
            Category = "fraud",
            Action = "rules.changed",
            Summary = $"{analyst.Name} changed the fraud rules: {(changes.Count == 0 ? "no change" : string.Join("; ", changes))}.",
            ActorId = analyst.Id,
            ActorName = analyst.Name,
            MerchantId = merchantId,
            TargetType = "fraud-settings",
            TargetId = merchantId.ToString(),
        }, connection, transaction, ct);
        await transaction.CommitAsync(ct);
        engine.UseSettings(merchantId, settings);
    }

    /// <summary>Loads the stored settings of these merchants into the engine (those it does not know yet).</summary>
    public async Task LoadIntoEngineAsync(IEnumerable<Guid> merchantIds, CancellationToken ct = default)
    {
        foreach (var merchantId in merchantIds.Distinct())
        {
            if (!engine.HasSettings(merchantId))
            {
                engine.UseSettings(merchantId, await GetAsync(merchantId, ct));
            }
        }
    }

    /// <summary>Human-readable differences, for the audit log.</summary>
    public static List<string> Describe(FraudSettings before, FraudSettings after)
    {
        var changes = new List<string>();
        if (before.AlertThreshold != after.AlertThreshold)
        {
            changes.Add($"alert threshold {before.AlertThreshold} → {after.AlertThreshold}");
        }

        if (before.JoinMinutes != after.JoinMinutes)
        {
            changes.Add($"join window {before.JoinMinutes} → {after.JoinMinutes} min");
        }

        foreach (var rule in RuleCatalog.All)
        {
            var (b, a) = (before.For(rule), after.For(rule));
            if (b.Enabled != a.Enabled)
            {
                changes.Add($"{rule.Name} {(a.Enabled ? "enabled" : "disabled")}");
            }

            if (b.Shadow != a.Shadow)
            {
                changes.Add($"{rule.Name} {(a.Shadow ? "in shadow mode" : "live")}");
            }

            if (b.Points != a.Points)
            {
                changes.Add($"{rule.Name} points {b.Points} → {a.Points}");
            }

            foreach (var parameter in rule.Parameters)
            {
                var (old, now) = (b.Parameters[parameter.Key], a.Parameters[parameter.Key]);
                if (Math.Abs(old - now) > 1e-9)
                {
                    changes.Add($"{rule.Name} {parameter.Label.ToLowerInvariant()} {old:0.##} → {now:0.##}");
                }
            }
        }

        return changes;
    }

    private sealed class SettingsRow
    {
        public int AlertThreshold { get; init; }
        public int JoinMinutes { get; init; }
        public List<RuleSetting>? Rules { get; init; }
    }
}
