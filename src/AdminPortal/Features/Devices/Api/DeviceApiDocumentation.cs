using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace AdminPortal.Features.Devices.Api;

/// <summary>
/// The OpenAPI description of <c>/api/v1</c> at <c>/openapi/v1.json</c> and an interactive page at <c>/api/docs</c>.
/// Only API routes are described (not the portal's pages or health probes); both are readable without sign-in, they
/// hold no data, only the contract terminal developers build against.
/// </summary>
public static class DeviceApiDocumentation
{
    public const string SecuritySchemeName = "deviceSecret";

    public static IServiceCollection AddDeviceApiDocumentation(this IServiceCollection services)
    {
        services.AddOpenApi("v1", options =>
        {
            options.ShouldInclude = description => description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Merchant Security Admin Portal — device API",
                    Version = "v1",
                    Description = "Terminals enroll with a one-time code, then authenticate every call with their bearer secret. "
                        + "Errors are application/problem+json naming the field. A card number anywhere in a request is refused (422).",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[SecuritySchemeName] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "The deviceSecret returned by enrollment.",
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                if (context.Description.ActionDescriptor.EndpointMetadata.OfType<DeviceAuthenticationMetadata>().Any())
                {
                    operation.Security ??= [];
                    operation.Security.Add(new OpenApiSecurityRequirement
                    {
                        [new OpenApiSecuritySchemeReference(SecuritySchemeName, context.Document)] = [],
                    });
                }

                return Task.CompletedTask;
            });
        });
        return services;
    }

    public static IEndpointRouteBuilder MapDeviceApiDocumentation(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapScalarApiReference("/api/docs", options => options
            .WithTitle("Device API")
            .AddDocument("v1", routePattern: "/openapi/v1.json")).AllowAnonymous();
        return app;
    }
}
