using System.Text.Json;
using System.Text.Json.Serialization;

namespace AdminPortal.Features.Fraud.Ingestion;

/// <summary>The body of <c>POST /api/v1/transactions</c>. Enumerations arrive as strings so a bad value names its field.</summary>
public sealed class TransactionBatchRequest
{
    public List<TransactionEventRequest>? Events { get; set; }
}

public sealed class TransactionEventRequest
{
    public string? EventId { get; set; }
    public DateTimeOffset? OccurredAt { get; set; }
    public string? Type { get; set; }
    public long? AmountMinor { get; set; }
    public string? Currency { get; set; }
    public string? CardToken { get; set; }
    public string? Bin { get; set; }
    public string? Last4 { get; set; }
    public string? EntryMode { get; set; }
    public string? Result { get; set; }
    public string? ResponseCode { get; set; }
    public LocationRequest? Location { get; set; }
}

public sealed class LocationRequest
{
    public double? Lat { get; set; }
    public double? Lon { get; set; }
}

/// <summary>The 202 answer: how many events were new and how many had been received before (retries).</summary>
public sealed record TransactionBatchResponse(int Accepted, int Duplicates);

/// <summary>
/// Compile-time JSON metadata for the transactions endpoint (web defaults: camelCase, case-insensitive names, numbers
/// also as strings): no reflection per request, and the reader is built once.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(TransactionBatchRequest))]
[JsonSerializable(typeof(TransactionBatchResponse))]
internal sealed partial class TransactionJsonContext : JsonSerializerContext;
