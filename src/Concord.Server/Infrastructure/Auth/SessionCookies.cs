using Concord.Server.Infrastructure.Sessions;

namespace Concord.Server.Infrastructure.Auth;

/// <summary>Starts and ends browser sessions: the store entry and its cookie move together.</summary>
public sealed class SessionCookies(ISessionStore store, SessionStoreOptions options, IHttpContextAccessor accessor)
{
    private HttpContext Http => accessor.HttpContext!;

    /// <summary>Ends any session the request came with and starts a fresh one: a new id at every login (no fixation).</summary>
    public async Task<SessionRecord> StartAsync(long userId)
    {
        if (Http.Request.Cookies.TryGetValue(options.CookieName, out var old) && !string.IsNullOrEmpty(old))
            await store.DeleteAsync(old);
        var (id, record) = await store.CreateAsync(userId);
        Http.Response.Cookies.Append(options.CookieName, id, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = Http.Request.IsHttps,
            Path = "/",
            MaxAge = options.SlidingExpiration,
        });
        Http.Response.Headers["X-CSRF-Token"] = record.CsrfToken;
        return record;
    }

    public async Task EndAsync()
    {
        if (Http.Request.Cookies.TryGetValue(options.CookieName, out var sid) && !string.IsNullOrEmpty(sid))
            await store.DeleteAsync(sid);
        Http.Response.Cookies.Delete(options.CookieName, new CookieOptions { Path = "/", HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = Http.Request.IsHttps });
    }
}
