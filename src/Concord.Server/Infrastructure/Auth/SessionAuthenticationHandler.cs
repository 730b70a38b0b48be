using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Concord.Server.Infrastructure.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Concord.Server.Infrastructure.Auth;

/// <summary>Authenticates a request by its session cookie against the server-side session store.</summary>
internal sealed class SessionAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ISessionStore sessions,
    SessionStoreOptions sessionOptions) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Session";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Cookies.TryGetValue(sessionOptions.CookieName, out var sid) || string.IsNullOrEmpty(sid) || sid.Length > 128)
            return AuthenticateResult.NoResult();
        var record = await sessions.GetAsync(sid);
        if (record is null) return AuthenticateResult.Fail("Unknown or expired session.");
        var identity = new ClaimsIdentity(
        [
            new Claim(ConcordClaims.UserId, record.UserId.ToString(CultureInfo.InvariantCulture)),
            new Claim(ConcordClaims.AuthMethod, ConcordClaims.SessionMethod),
            new Claim(ConcordClaims.Csrf, record.CsrfToken),
        ], SchemeName, ConcordClaims.UserId, null);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
