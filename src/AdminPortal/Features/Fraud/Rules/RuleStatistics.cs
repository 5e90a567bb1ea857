using AdminPortal.Infrastructure.Database;
using Dapper;

namespace AdminPortal.Features.Fraud;

/// <summary>How often a rule hit recently, live and in shadow mode, and how often a shadow hit would have alerted.</summary>
public sealed record RuleActivity(string RuleId, long LiveHits, long ShadowHits, long WouldHaveAlerted);

public sealed class RuleStatistics(IDbConnectionFactory db, TimeProvider clock)
{
    public async Task<IReadOnlyDictionary<string, RuleActivity>> RecentAsync(Guid merchantId, int days, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            """
            SELECT rule_id AS RuleId,
                   SUM(CASE WHEN shadow THEN 0 ELSE 1 END) AS LiveHits,
                   SUM(CASE WHEN shadow THEN 1 ELSE 0 END) AS ShadowHits,
                   SUM(CASE WHEN shadow AND would_alert THEN 1 ELSE 0 END) AS WouldHaveAlerted
              FROM fraud_rule_hits
             WHERE merchant_id = @merchantId AND occurred_at >= @since
             GROUP BY rule_id
            """, new { merchantId, since = clock.GetUtcNow().AddDays(-days) }, cancellationToken: ct));
        return rows.ToDictionary(r => r.RuleId, r => new RuleActivity(r.RuleId, r.LiveHits, r.ShadowHits, r.WouldHaveAlerted));
    }

    private sealed class Row
    {
        public string RuleId { get; init; } = "";
        public long LiveHits { get; init; }
        public long ShadowHits { get; init; }
        public long WouldHaveAlerted { get; init; }
    }
}
