using System.Text.Json.Nodes;

namespace AdminPortal.Testing;

/// <summary>What a problem+json answer says, without its random parts.</summary>
public static class ProblemText
{
    /// <summary>
    /// The answer without its <c>traceId</c>: a random hex id holds a run like "1111" now and then (about 1 answer in 1,500
    /// answers), so a check that a card number's digits were not echoed must not read it.
    /// </summary>
    public static string WithoutTraceId(string json)
    {
        var problem = JsonNode.Parse(json)!.AsObject();
        problem.Remove("traceId");
        return problem.ToJsonString();
    }
}
