namespace AdminPortal.Features.Accounts.Sessions;

/// <summary>The session cookie: an opaque random reference, HttpOnly, SameSite=Strict, Secure on https.</summary>
public static class SessionCookie
{
    public const string Name = "portal_session";

    public static string? Read(HttpRequest request) => request.Cookies[Name];

    public static void Write(HttpResponse response, string token) =>
        response.Cookies.Append(Name, token, Options(response.HttpContext.Request));

    public static void Delete(HttpResponse response) =>
        response.Cookies.Delete(Name, Options(response.HttpContext.Request));

    // No Expires: a browser session cookie; the server decides when the session ends.
    private static CookieOptions Options(HttpRequest request) => new()
    {
        HttpOnly = true,
        Secure = request.IsHttps,
        SameSite = SameSiteMode.Strict,
        Path = "/",
        IsEssential = true,
    };
}
