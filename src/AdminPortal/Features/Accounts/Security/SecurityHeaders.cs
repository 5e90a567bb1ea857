namespace AdminPortal.Features.Accounts.Security;

/// <summary>
/// Response headers of every answer. The CSP allows only the portal's own script files (Blazor, MudBlazor, ours) plus
/// the one inline script Blazor renders, the import map, which carries this request's nonce
/// (<c>HttpContext.Items["csp-nonce"]</c>, read by App.razor). Inline styles are allowed because MudBlazor sets style
/// attributes; SignalR's WebSocket is same-origin.
/// </summary>
internal static class SecurityHeaders
{
    public const string NonceItem = "csp-nonce";

    public static string ContentSecurityPolicy(string nonce) =>
        $"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var nonce = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        context.Items[NonceItem] = nonce;
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy(nonce);
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.XFrameOptions = "DENY";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
            if (context.Request.IsHttps)
            {
                headers.StrictTransportSecurity = "max-age=31536000; includeSubDomains";
            }

            return Task.CompletedTask;
        });
        await next();
    });
}
