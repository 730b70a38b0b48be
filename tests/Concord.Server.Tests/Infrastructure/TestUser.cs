using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Concord.Server.Tests.Infrastructure;

/// <summary>A browser-like caller: cookie jar, CSRF token picked up from login, helpers that read as the API does.</summary>
public sealed class TestUser
{
    private static int _counter;
    private readonly Uri Base;
    private readonly CookieContainer _cookies = new();

    public TestUser(ConcordApp app)
    {
        Base = app.ClientBase;
        Http = app.CreateDefaultClient(Base, new CookieJarHandler(_cookies));
    }

    public HttpClient Http { get; }
    /// <summary>"concord_sid=…" as the browser holds it now, or "" when it holds none.</summary>
    public string SessionCookie => _cookies.GetCookies(Base)["concord_sid"] is { } c ? $"{c.Name}={c.Value}" : "";
    public string Email { get; private set; } = "";
    public string Username { get; private set; } = "";
    public string Password { get; private set; } = "";
    public string Id { get; private set; } = "";

    public static string UniqueName(string prefix = "u") =>
        $"{prefix}{Interlocked.Increment(ref _counter)}_{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Registers a fresh user and keeps its session cookie and CSRF token.</summary>
    public async Task<TestUser> RegisterAsync(string? username = null, string password = "password-123")
    {
        Username = username ?? UniqueName();
        Email = $"{Username}@example.test";
        Password = password;
        var response = await Http.PostAsJsonAsync("/api/auth/register", new { email = Email, username = Username, password });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        UseCsrfFrom(response);
        return this;
    }

    public void UseCsrfFrom(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("X-CSRF-Token", out var values)) return;
        Http.DefaultRequestHeaders.Remove("X-CSRF-Token");
        Http.DefaultRequestHeaders.Add("X-CSRF-Token", values.First());
    }

    public Task<HttpResponseMessage> PostAsync(string url, object? body = null) => Http.PostAsJsonAsync(url, body ?? new { });
    public Task<HttpResponseMessage> PatchAsync(string url, object body) => Http.PatchAsJsonAsync(url, body);
    public Task<HttpResponseMessage> GetAsync(string url) => Http.GetAsync(url);
    public Task<HttpResponseMessage> DeleteAsync(string url) => Http.DeleteAsync(url);
    public Task<HttpResponseMessage> PutAsync(string url, object? body = null) => Http.PutAsJsonAsync(url, body ?? new { });
}

public static class HttpAssertions
{
    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>Asserts the status and that the body is RFC 9457 problem+json; returns the problem.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    public static async Task AssertStatusAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        if (response.StatusCode != status)
            Assert.Fail($"expected {(int)status}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}

/// <summary>A browser's cookie jar in front of the test server.</summary>
internal sealed class CookieJarHandler(CookieContainer cookies) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var header = cookies.GetCookieHeader(request.RequestUri!);
        if (header.Length > 0) request.Headers.Add("Cookie", header);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
            foreach (var c in setCookies) cookies.SetCookies(request.RequestUri!, c);
        return response;
    }
}
