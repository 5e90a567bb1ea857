namespace AdminPortal.Features.Fraud.Scoring.Rules;

/// <summary>One card token in two places no traveller could cover in the time between: a cloned card.</summary>
public sealed class ImpossibleTravelRule : FraudRule
{
    public override string Id => "impossible-travel";
    public override string Name => "Impossible travel";
    public override string Description => "One card used in two places too far apart for the time between them.";
    public override int DefaultPoints => 80;

    public override IReadOnlyList<RuleParameter> Parameters { get; } =
    [
        new("maxKmh", "Fastest believable travel", 900, 50, 5000, "km/h"),
        new("minKm", "Ignore distances below", 100, 1, 5000, "km"),
    ];

    public override string? Evaluate(TransactionEvent e, MerchantRiskState state, RuleValues values)
    {
        if (e.Location is not { } location)
        {
            return null;
        }

        ref readonly var card = ref state.FindCard(e.CardToken);
        if (card.LastLocation is not { } previous)
        {
            return null;
        }

        var km = location.DistanceKmTo(previous);
        if (km < values[1])
        {
            return null;
        }

        var hours = Math.Abs(e.OccurredAt.UtcTicks - card.LastLocationTicks) / (double)TimeSpan.TicksPerHour;
        var kmh = hours <= 0 ? double.PositiveInfinity : km / hours;
        if (kmh <= values[0])
        {
            return null;
        }

        var minutes = hours * 60;
        return $"Card ending {e.Last4} was used {km:0} km away {minutes:0} minutes earlier " +
               $"({(double.IsInfinity(kmh) ? "at the same moment" : $"{kmh:0} km/h")}; limit {values[0]:0} km/h).";
    }
}
