using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AdminPortal.Features.Compliance.Catalogue;

public sealed record CatalogueSource(string Title, string? Revision, string? Publisher, string? Date, string Url);

public sealed record PrincipalRequirement(string Number, string Title, string Goal);

/// <summary>One PCI DSS requirement under its official number, summarised in the project's own words.</summary>
public sealed record RequirementDefinition(string Number, string Principal, string Summary);

public sealed record SaqSection(string Number, string Title, IReadOnlyList<string> Requirements);

public sealed record AocPart(string Part, string Title);

/// <summary>One SAQ type: who may use it, which requirements it asks, which answers it allows.</summary>
public sealed record SaqDefinition(
    string Code,
    string Name,
    string PciDssVersion,
    string Description,
    IReadOnlyList<string> Eligibility,
    IReadOnlyList<SaqResponse> Responses,
    IReadOnlyList<CatalogueSource> Sources,
    string Verification,
    IReadOnlyList<AocPart> AocParts,
    IReadOnlyList<SaqSection> Sections)
{
    public IEnumerable<string> RequirementNumbers => Sections.SelectMany(s => s.Requirements);

    public bool Allows(SaqResponse response) => Responses.Contains(response);
}

/// <summary>
/// The SAQ catalogue: the PCI DSS v4.0.1 requirement list and the SAQ types mPOS merchants use, read once from the
/// JSON files embedded in the assembly (Features/Compliance/Catalogue/*.json).
/// </summary>
public sealed class SaqCatalogue
{
    /// <summary>The SAQ types in the order a person chooses between them, shortest first.</summary>
    public static readonly IReadOnlyList<string> Files = ["saq-p2pe.json", "saq-spoc.json", "saq-b-ip.json", "saq-c.json", "saq-d-merchant.json"];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
    private static readonly Lazy<SaqCatalogue> Shared = new(Load);

    private readonly FrozenDictionary<string, RequirementDefinition> _requirements;
    private readonly FrozenDictionary<string, SaqDefinition> _saqs;

    private SaqCatalogue(StandardFile standard, IReadOnlyList<SaqDefinition> saqs)
    {
        Standard = standard;
        Saqs = saqs;
        _requirements = standard.Requirements.ToFrozenDictionary(r => r.Number);
        _saqs = saqs.ToFrozenDictionary(s => s.Code, StringComparer.OrdinalIgnoreCase);
    }

    public static SaqCatalogue Default => Shared.Value;

    public StandardFile Standard { get; }

    public IReadOnlyList<SaqDefinition> Saqs { get; }

    public SaqDefinition? Find(string? code) => code is not null && _saqs.TryGetValue(code, out var saq) ? saq : null;

    public SaqDefinition Get(string code) => Find(code) ?? throw new KeyNotFoundException($"Unknown SAQ type '{code}'.");

    public RequirementDefinition Requirement(string number) => _requirements[number];

    public PrincipalRequirement Principal(string number) => Standard.PrincipalRequirements.First(p => p.Number == number);

    public static SaqCatalogue Load()
    {
        var standard = Read<StandardFile>("pci-dss-v4.0.1-requirements.json");
        return new SaqCatalogue(standard, Files.Select(Read<SaqDefinition>).ToList());
    }

    /// <summary>The raw text of one embedded catalogue file (the structure test reads it too).</summary>
    public static string ReadText(string file)
    {
        using var stream = typeof(SaqCatalogue).Assembly.GetManifestResourceStream($"Compliance.Catalogue.{file}")
            ?? throw new InvalidOperationException($"The catalogue file {file} is not embedded in the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static T Read<T>(string file) =>
        JsonSerializer.Deserialize<T>(ReadText(file), Json) ?? throw new InvalidOperationException($"The catalogue file {file} is empty.");

    public sealed record StandardFile(
        string Standard,
        string Version,
        string Note,
        IReadOnlyList<CatalogueSource> Sources,
        IReadOnlyList<PrincipalRequirement> PrincipalRequirements,
        IReadOnlyList<RequirementDefinition> Requirements);
}
