using System.Text.Json;
using AdminPortal.Infrastructure.CardData;
using Microsoft.Extensions.Options;

namespace AdminPortal.Features.Devices.Api;

/// <summary>
/// Reads a device API request body with the API's guards, in order: size (413), card numbers anywhere in the
/// request (422, the value never echoed or logged), JSON shape (400 naming the field). Bodies are read here rather
/// than by model binding so that the card-number check sees the raw request before anything else does.
/// </summary>
public sealed class DeviceRequestReader(IOptions<DeviceOptions> options, ILogger<DeviceRequestReader> logger)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<(T? Value, IResult? Error)> ReadAsync<T>(HttpContext http) where T : class
    {
        var limit = options.Value.MaxRequestBytes;
        if (http.Request.ContentLength > limit)
        {
            return (null, Problem(StatusCodes.Status413PayloadTooLarge, "The request body is too large.", $"At most {limit} bytes."));
        }

        var body = await ReadLimitedAsync(http.Request, limit, http.RequestAborted);
        if (body is null)
        {
            return (null, Problem(StatusCodes.Status413PayloadTooLarge, "The request body is too large.", $"At most {limit} bytes."));
        }

        if (FindCardNumber(http, body) is { } field)
        {
            // Say where, never what: the value must not reach a log, a response or the database.
            logger.LogWarning("Refused a device API request to {Path} carrying a card number in {Field}", http.Request.Path, field);
            return (null, Results.ValidationProblem(
                new Dictionary<string, string[]> { [field] = ["A primary account number is not accepted anywhere in a request; send a token."] },
                statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "The request carries a card number."));
        }

        if (!IsJson(http.Request.ContentType))
        {
            return (null, Problem(StatusCodes.Status415UnsupportedMediaType, "The request body must be JSON.", "Send Content-Type: application/json."));
        }

        try
        {
            var value = JsonSerializer.Deserialize<T>(body, Json);
            return value is null
                ? (null, BadRequest("(body)", "A JSON object is required."))
                : (value, null);
        }
        catch (JsonException ex)
        {
            return (null, BadRequest(FieldName(ex.Path), "Not readable: check the JSON syntax and this field's type."));
        }
    }

    internal static IResult BadRequest(string field, string message) => Results.ValidationProblem(
        new Dictionary<string, string[]> { [field] = [message] }, statusCode: StatusCodes.Status400BadRequest, title: "The request is malformed.");

    internal static IResult Invalid(Dictionary<string, string[]> errors) => Results.ValidationProblem(
        errors, statusCode: StatusCodes.Status422UnprocessableEntity, title: "One or more fields are invalid.");

    internal static IResult Problem(int status, string title, string? detail = null) =>
        Results.Problem(statusCode: status, title: title, detail: detail);

    private static string? FindCardNumber(HttpContext http, byte[] body)
    {
        if (PanScanner.ContainsPan(http.Request.Path.Value) || PanScanner.ContainsPan(http.Request.QueryString.Value))
        {
            return "(url)";
        }

        foreach (var (name, values) in http.Request.Headers)
        {
            // The bearer secret and cookies are random: they are not where a terminal would put a card number.
            if (name is "Authorization" or "Cookie")
            {
                continue;
            }

            // StringValues' own enumerator: LINQ over it boxed the values of every header of every request.
            foreach (var value in values)
            {
                if (PanScanner.ContainsPan(value))
                {
                    return $"(header {name})";
                }
            }
        }

        // A body whose raw bytes cannot hold a card number (almost every one) needs no pass through the JSON reader here.
        if (PanScanner.CannotHoldPan(body))
        {
            return null;
        }

        try
        {
            return PanScanner.Find(body) is { } finding ? FieldName(finding.Path) : null;
        }
        catch (JsonException)
        {
            // Not JSON: scan the raw bytes instead; the JSON error is reported afterwards. A valid JSON body is not
            // scanned raw, because the fraction of a coordinate number would read as a card number there.
            return PanScanner.ContainsPan(body.AsSpan()) ? "(body)" : null;
        }
    }

    private static async Task<byte[]?> ReadLimitedAsync(HttpRequest request, int limit, CancellationToken ct)
    {
        if (request.ContentLength is { } length and <= int.MaxValue)
        {
            // The usual case (a terminal sends Content-Length, already checked against the limit): one array of the
            // body's size, filled in place; the server refuses a body longer or shorter than announced.
            var exact = new byte[length];
            var filled = 0;
            while (filled < exact.Length)
            {
                var read = await request.Body.ReadAsync(exact.AsMemory(filled), ct);
                if (read == 0)
                {
                    return exact[..filled];
                }

                filled += read;
            }

            return exact;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int count;
        while ((count = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + count > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, count);
        }

        return buffer.ToArray();
    }

    private static bool IsJson(string? contentType) =>
        contentType is not null && (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
                                    || contentType.Contains("+json", StringComparison.OrdinalIgnoreCase));

    /// <summary>"$.network.type" → "network.type"; "$" → "(body)".</summary>
    internal static string FieldName(string? jsonPath) =>
        jsonPath is null or "$" ? "(body)" : jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath.TrimStart('$');
}
