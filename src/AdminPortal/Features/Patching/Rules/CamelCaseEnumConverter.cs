using System.Text.Json;
using System.Text.Json.Serialization;

namespace AdminPortal.Features.Patching;

/// <summary>
/// Patching's enums travel as camelCase names ("os", "blockPayments") in the check-in answer and in stored JSON, so a
/// terminal or a reader never has to know our integer values; integers are still accepted when reading.
/// </summary>
public sealed class CamelCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.CamelCase)
    where TEnum : struct, Enum;
