using System.Buffers;
using System.Text.Json;
using AdminPortal.Features.Audit;
using AdminPortal.Infrastructure.CardData;

namespace AdminPortal.Features.Fraud.Ingestion;

/// <summary><c>POST /api/v1/transactions</c>: a terminal's batch of transaction events, scored as they are stored.</summary>
public static class TransactionsEndpoint
{
    // 500 events of a few hundred bytes each fit easily; anything larger is not a terminal's batch.
    public const int MaxBodyBytes = 1024 * 1024;

    // A body without a declared length (chunked) starts here and doubles as it arrives.
    internal const int InitialBodyBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapTransactionsEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/transactions", HandleAsync)
            // Terminals authenticate with their device credential, not the portal's sign-in cookie.
            .AllowAnonymous()
            .DisableAntiforgery()
            .WithName("SubmitTransactions")
            .WithTags("Device API")
            .Accepts<TransactionBatchRequest>("application/json")
            .Produces<TransactionBatchResponse>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<IResult> HandleAsync(HttpContext context, ICallingDeviceResolver devices, TransactionIngestor ingestor,
        IAuditLog audit, TimeProvider clock, ILoggerFactory loggers, CancellationToken ct)
    {
        var device = await devices.ResolveAsync(context, ct);
        if (device is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Device authentication required",
                detail: "Send the terminal's device credential.");
        }

        var declaredLength = context.Request.ContentLength;
        if (declaredLength > MaxBodyBytes)
        {
            return TooLarge();
        }

        // Sized by the declared length (a batch of 500 events is ~200 KB): renting the 1 MB maximum for every request
        // took 2 MB arrays, more than the shared pool keeps, so most requests allocated (and zeroed) a new one.
        var body = new RequestBody(declaredLength is { } declared ? (int)declared + 1 : InitialBodyBytes);
        try
        {
            await body.ReadAsync(context.Request.Body, ct);
            if (body.Length > MaxBodyBytes)
            {
                return TooLarge();
            }

            // The PAN guard runs before anything parses, stores or logs the body. A batch whose raw bytes cannot hold one
            // (the usual case) skips the guard's own pass through the JSON; the parse below still refuses invalid JSON.
            if (!PanScanner.CannotHoldPan(body.Span))
            {
                PanFinding? pan;
                try
                {
                    pan = PanScanner.Find(body.Span);
                }
                catch (JsonException)
                {
                    return NotJson();
                }

                if (pan is { } finding)
                {
                    return await RefusePanAsync(context, device, finding, audit, loggers);
                }
            }

            TransactionBatchRequest? request;
            try
            {
                request = JsonSerializer.Deserialize(body.Span, TransactionJsonContext.Default.TransactionBatchRequest);
            }
            catch (JsonException ex)
            {
                if (!IsJson(body.Span))
                {
                    return NotJson();
                }

                // The exception names the path and position, never the value.
                return Results.ValidationProblem(
                    new Dictionary<string, string[]> { [FieldName(ex.Path)] = ["Has the wrong type for this field."] }, title: "Malformed request");
            }

            var (events, errors) = TransactionBatchValidator.Validate(request, device, clock.GetUtcNow());
            if (errors.Count > 0)
            {
                return Results.ValidationProblem(errors, title: "Some events are not valid; nothing was stored.");
            }

            // The events hold their own copies of every value now: give the body back before waiting for the group
            // commit (hundreds of milliseconds under load), so only requests being parsed hold a buffer.
            body.Release();
            try
            {
                var response = await ingestor.SubmitAsync(events, ct);
                return Results.Json(response, TransactionJsonContext.Default.TransactionBatchResponse, statusCode: StatusCodes.Status202Accepted);
            }
            catch (TransactionStoreUnavailableException)
            {
                context.Response.Headers.RetryAfter = "5";
                return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not stored",
                    detail: "The events could not be stored. Retry the same batch: event ids make retries safe.");
            }
        }
        finally
        {
            body.Release();
        }

        static IResult NotJson() => Results.ValidationProblem(new Dictionary<string, string[]> { ["$"] = ["The body is not valid JSON."] },
            title: "Malformed request");

        static IResult TooLarge() => Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request too large",
            detail: $"Send at most {MaxBodyBytes / 1024} KiB ({TransactionBatchValidator.MaxEventsPerRequest} events) per request.");
    }

    private static async Task<IResult> RefusePanAsync(HttpContext context, CallingDevice device, PanFinding finding, IAuditLog audit, ILoggerFactory loggers)
    {
        loggers.CreateLogger(typeof(TransactionsEndpoint)).LogWarning(
            "Refused a transaction batch from device {DeviceId}: field {Field} holds a primary account number", device.DeviceId, finding.Path);
        await audit.RecordAsync(new AuditEvent
        {
            Category = "fraud",
            Action = "pan.refused",
            Outcome = AuditOutcome.Denied,
            Summary = $"Refused a transaction batch: field {finding.Path} held a primary account number (not stored).",
            MerchantId = device.MerchantId,
            TargetType = "device",
            TargetId = device.DeviceId.ToString(),
            IpAddress = context.Connection.RemoteIpAddress?.ToString(),
        }, CancellationToken.None);
        return Results.ValidationProblem(
            new Dictionary<string, string[]> { [finding.Path] = ["Holds a primary account number. Send the card token, BIN and last four only."] },
            statusCode: StatusCodes.Status422UnprocessableEntity,
            title: "Card number refused; nothing was stored.");
    }

    /// <summary>Whether the body is well-formed JSON, read the way the PAN guard reads it (comments skipped).</summary>
    private static bool IsJson(ReadOnlySpan<byte> body)
    {
        try
        {
            PanScanner.Find(body);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string FieldName(string? jsonPath) => jsonPath is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal)
        ? path[2..]
        : jsonPath is "$" or null ? "$" : jsonPath;

    /// <summary>
    /// A request body read into a pooled buffer, at most <see cref="MaxBodyBytes"/> + 1 bytes (one more tells "too large").
    /// The buffer may hold a card number, so it is wiped before it goes back to the pool.
    /// </summary>
    internal sealed class RequestBody(int initialCapacity)
    {
        private byte[]? _buffer = ArrayPool<byte>.Shared.Rent(Math.Clamp(initialCapacity, 1, MaxBodyBytes + 1));

        public int Length { get; private set; }

        public ReadOnlySpan<byte> Span => (_buffer ?? throw new ObjectDisposedException(nameof(RequestBody))).AsSpan(0, Length);

        public async Task ReadAsync(Stream stream, CancellationToken ct)
        {
            while (Length <= MaxBodyBytes)
            {
                var buffer = _buffer ?? throw new ObjectDisposedException(nameof(RequestBody));
                if (Length == buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, MaxBodyBytes + 1));
                    buffer.AsSpan(0, Length).CopyTo(bigger);
                    Wipe(buffer, Length);
                    _buffer = buffer = bigger;
                }

                var read = await stream.ReadAsync(buffer.AsMemory(Length, Math.Min(buffer.Length, MaxBodyBytes + 1) - Length), ct);
                if (read == 0)
                {
                    return;
                }

                Length += read;
            }
        }

        /// <summary>Wipes the buffer and returns it to the pool; safe to call more than once.</summary>
        public void Release()
        {
            if (_buffer is { } buffer)
            {
                _buffer = null;
                Wipe(buffer, Length);
            }
        }

        private static void Wipe(byte[] buffer, int length)
        {
            Array.Clear(buffer, 0, Math.Min(buffer.Length, length));
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
