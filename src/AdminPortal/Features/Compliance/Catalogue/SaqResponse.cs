namespace AdminPortal.Features.Compliance.Catalogue;

/// <summary>The answers a PCI DSS v4.0.1 SAQ allows; which of them a given SAQ offers is in its catalogue file.</summary>
public enum SaqResponse
{
    InPlace = 1,
    InPlaceWithCcw = 2,
    NotApplicable = 3,
    NotTested = 4,
    NotInPlace = 5,
}

public static class SaqResponseText
{
    public static string Label(this SaqResponse response) => response switch
    {
        SaqResponse.InPlace => "In Place",
        SaqResponse.InPlaceWithCcw => "In Place with CCW",
        SaqResponse.NotApplicable => "Not Applicable",
        SaqResponse.NotTested => "Not Tested",
        SaqResponse.NotInPlace => "Not in Place",
        _ => response.ToString(),
    };
}
