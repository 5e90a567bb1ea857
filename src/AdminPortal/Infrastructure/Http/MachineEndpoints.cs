namespace AdminPortal.Infrastructure.Http;

/// <summary>
/// Marks an endpoint that only machines call (payment terminals, with a credential of their own checked by the endpoint)
/// and that allows anonymous access to the portal's sign-in. Such a request skips the browser's part of the pipeline:
/// the CSP nonce and page headers, the session cookie's authentication, authorization and the sign-in rate limiter.
/// </summary>
public sealed class MachineEndpointMetadata;

public static class MachineEndpoints
{
    // The keys UseAuthentication and UseAuthorization set (Microsoft.AspNetCore.Builder.AuthAppBuilderExtensions and
    // AuthorizationAppBuilderExtensions); MachineEndpointsTests fails if a framework version stops honouring them.
    private static readonly string[] PipelineMarks = ["__AuthenticationMiddlewareSet", "__AuthorizationMiddlewareSet"];

    /// <summary>
    /// Whether the routed endpoint is a machine endpoint. It must also allow anonymous access: then authorization could
    /// only have read a session cookie into <see cref="HttpContext.User"/>, which a terminal never has and the endpoint never
    /// reads, so skipping it cannot let anything through that it would have stopped.
    /// </summary>
    public static bool IsMachineEndpoint(this HttpContext context) =>
        context.GetEndpoint()?.Metadata is { } metadata
        && metadata.GetMetadata<MachineEndpointMetadata>() is not null
        && metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is not null;

    /// <summary>
    /// Runs <paramref name="browser"/> for every request except those to machine endpoints, which get the fixed API
    /// headers instead. Profiled on the check-in path (docs/BENCHMARKS.md, update 2026-12-01 16:07–17:25): the session
    /// authentication that the fallback policy runs even for anonymous endpoints, the nonce drawn from the system's random
    /// source and the page headers were about 7 % of the portal's CPU per check-in.
    /// </summary>
    public static IApplicationBuilder UseBrowserPipeline(this IApplicationBuilder app, Action<IApplicationBuilder> browser)
    {
        app.UseWhen(context => !context.IsMachineEndpoint(), branch =>
        {
            browser(branch);
            // WebApplication puts authentication and authorization in front of the whole pipeline, machine endpoints
            // included, unless it sees them called on its own builder; a branch records the call in its own copy of the
            // builder's properties, so the marks are copied back (found in a profile of check-ins, 2026-12-01 18:55).
            foreach (var mark in PipelineMarks)
            {
                if (branch.Properties.TryGetValue(mark, out var value))
                {
                    app.Properties[mark] = value;
                }
            }
        });
        return app.UseWhen(IsMachineEndpoint, machine => machine.Use(static (context, next) =>
        {
            context.Response.OnStarting(static state =>
            {
                // A JSON API answer: never rendered as a page, never framed, never cached with a credential in it.
                var headers = ((HttpContext)state).Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
                headers["Referrer-Policy"] = "no-referrer";
                headers.CacheControl = "no-store";
                return Task.CompletedTask;
            }, context);
            return next(context);
        }));
    }
}
