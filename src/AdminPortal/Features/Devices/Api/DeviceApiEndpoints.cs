using AdminPortal.Features.Devices.CheckIns;
using AdminPortal.Features.Devices.Commands;
using AdminPortal.Features.Devices.Enrollment;

namespace AdminPortal.Features.Devices.Api;

/// <summary>The device API under <c>/api/v1/devices</c>: what terminals call. Anonymous to the portal's sign-in.</summary>
public static class DeviceApiEndpoints
{
    public static IEndpointRouteBuilder MapDeviceApi(this IEndpointRouteBuilder app)
    {
        var devices = app.MapGroup("/api/v1/devices").AllowAnonymous().WithTags("Device API");

        devices.MapPost("/enroll", EnrollAsync)
            .WithName("EnrollDevice")
            .WithSummary("Exchange a one-time enrollment code for a device credential")
            .Accepts<EnrollRequest>("application/json")
            .Produces<EnrollResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem(StatusCodes.Status400BadRequest)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        devices.MapPost("/checkin", CheckInAsync)
            .RequireDevice()
            .WithName("CheckIn")
            .WithSummary("Report the device's state; receive pending commands and the effective patch policy")
            .Accepts<CheckInRequest>("application/json")
            .Produces<CheckInResponse>()
            .ProducesValidationProblem(StatusCodes.Status400BadRequest)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        devices.MapPost("/commands/{id:guid}/ack", AcknowledgeAsync)
            .RequireDevice()
            .WithName("AcknowledgeCommand")
            .WithSummary("Report the outcome of a command; a retried acknowledgement applies once")
            .Accepts<AckRequest>("application/json")
            .Produces<AckResponse>()
            .ProducesValidationProblem(StatusCodes.Status400BadRequest)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        return app;
    }

    private static async Task<IResult> EnrollAsync(
        HttpContext http, DeviceRequestReader reader, DeviceRateLimiter limiter, DeviceEnrollment enrollment)
    {
        var address = http.Connection.RemoteIpAddress?.ToString();
        if (!limiter.TryAcquireEnrollment(address, out var retryAfter))
        {
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return DeviceRequestReader.Problem(StatusCodes.Status429TooManyRequests, "Too many enrollment attempts from this address.");
        }

        var (request, error) = await reader.ReadAsync<EnrollRequest>(http);
        if (error is not null)
        {
            return error;
        }

        var (details, errors) = DeviceRequestValidation.Validate(request!);
        if (details is null)
        {
            return DeviceRequestReader.Invalid(errors);
        }

        var enrolled = await enrollment.EnrollAsync(details, address, http.RequestAborted);
        if (enrolled is null)
        {
            // One answer for unknown, expired and used codes: the API does not help anyone probe for codes.
            return DeviceRequestReader.Invalid(new Dictionary<string, string[]>
            {
                ["enrollmentCode"] = ["The code is unknown, expired or already used. Ask for a new code in the portal."],
            });
        }

        return Results.Created($"/api/v1/devices/{enrolled.DeviceId}",
            new EnrollResponse(enrolled.DeviceId, enrolled.DeviceSecret, enrolled.CheckInIntervalSeconds));
    }

    private static async Task<IResult> CheckInAsync(
        HttpContext http, DeviceRequestReader reader, CheckInWriter writer, StoreLocations stores, TimeProvider clock,
        IServiceProvider services)
    {
        var device = http.GetDevice();
        var (request, error) = await reader.ReadAsync<CheckInRequest>(http);
        if (error is not null)
        {
            return error;
        }

        var (report, errors) = DeviceRequestValidation.Validate(request!);
        var receivedAt = clock.GetUtcNow();
        var (installs, installErrors) = DeviceRequestValidation.ValidateInstalls(request!.Installs, receivedAt);
        var (idempotencyKey, keyErrors) = DeviceRequestValidation.ValidateIdempotencyKey(http.Request.Headers);
        foreach (var (field, messages) in installErrors.Concat(keyErrors))
        {
            errors[field] = messages;
        }

        if (report is null || errors.Count > 0)
        {
            return DeviceRequestReader.Invalid(errors);
        }

        var store = report.Latitude is null ? null : await stores.FindAsync(device.MerchantId, device.StoreId, http.RequestAborted);
        var work = new CheckInWork(device, report, receivedAt, store?.Latitude, store?.Longitude, idempotencyKey);
        var outcome = await writer.WriteAsync(work, http.RequestAborted);
        if (!outcome.Accepted)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return DeviceRequestReader.Problem(StatusCodes.Status401Unauthorized, "A valid device credential is required.");
        }

        // Install reports before the policy: the policy a terminal receives already counts what it just installed.
        var notice = CheckInWriter.ToNotice(work);
        if (installs.Count > 0 && services.GetService<IDeviceInstallReportSink>() is { } sink)
        {
            await sink.RecordAsync(notice, installs, http.RequestAborted);
        }

        // Patching answers this when it is present; without it "null" means no policy applies.
        var policy = services.GetService<IDevicePolicyProvider>() is { } provider
            ? await provider.GetEffectivePolicyAsync(notice, http.RequestAborted)
            : null;
        var commands = outcome.Commands
            .Select(c => new CommandMessage(c.Id, c.Type.WireName(), new Dictionary<string, string>()))
            .ToList();
        return Results.Ok(new CheckInResponse(commands, policy, device.CheckInIntervalSeconds));
    }

    private static async Task<IResult> AcknowledgeAsync(Guid id, HttpContext http, DeviceRequestReader reader, DeviceCommandService commands)
    {
        var device = http.GetDevice();
        var (request, error) = await reader.ReadAsync<AckRequest>(http);
        if (error is not null)
        {
            return error;
        }

        // An acknowledgement applies once per command already; a key is accepted (and checked) so terminals may send one on every write.
        var (succeeded, detail, errors) = DeviceRequestValidation.Validate(request!);
        foreach (var (field, messages) in DeviceRequestValidation.ValidateIdempotencyKey(http.Request.Headers).Errors)
        {
            errors[field] = messages;
        }

        if (errors.Count > 0)
        {
            return DeviceRequestReader.Invalid(errors);
        }

        var (result, status) = await commands.AcknowledgeAsync(device, id, succeeded, detail, http.RequestAborted);
        return result switch
        {
            AckResult.Applied or AckResult.AlreadyApplied => Results.Ok(new AckResponse(id, status!.Value.WireName())),
            AckResult.NotFound => DeviceRequestReader.Problem(StatusCodes.Status404NotFound, "This device has no such command."),
            _ => Results.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "The command is already completed.",
                detail: $"Its status is {status!.Value.WireName()}; an acknowledgement cannot change it.",
                extensions: new Dictionary<string, object?> { ["field"] = "status", ["currentStatus"] = status.Value.WireName() }),
        };
    }
}
