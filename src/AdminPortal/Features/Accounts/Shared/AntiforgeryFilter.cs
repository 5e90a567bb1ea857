using Microsoft.AspNetCore.Antiforgery;

namespace AdminPortal.Features.Accounts.Shared;

/// <summary>Antiforgery for endpoints that bind no form (JSON bodies, bare posts): the token comes in a header or form field.</summary>
internal static class AntiforgeryFilter
{
    public static async ValueTask<object?> ValidateAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var antiforgery = context.HttpContext.RequestServices.GetRequiredService<IAntiforgery>();
        return await antiforgery.IsRequestValidAsync(context.HttpContext)
            ? await next(context)
            : Results.Problem(title: "The page has expired. Reload it and try again.", statusCode: StatusCodes.Status400BadRequest);
    }
}
