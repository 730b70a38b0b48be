using System.Net;
using Concord.Server.Tests.Infrastructure;

namespace Concord.Server.Tests.Browser;

/// <summary>How the server hands out the built web client: caching, client-route fallback, and life without a build.</summary>
public sealed class WebClientHostingTests : IDisposable
{
    private readonly string _dist = Directory.CreateTempSubdirectory("concord-web-").FullName;

    public WebClientHostingTests()
    {
        Directory.CreateDirectory(Path.Combine(_dist, "assets"));
        File.WriteAllText(Path.Combine(_dist, "index.html"), "<!doctype html><title>Concord</title><div id=app></div>");
        File.WriteAllText(Path.Combine(_dist, "assets", "index-abc123.js"), "console.log('hi')");
    }

    public void Dispose() => Directory.Delete(_dist, recursive: true);

    private ConcordApp App(string path) => new(Backend.Sqlite, new Dictionary<string, string?> { ["WebClient:Path"] = path });

    [Fact]
    public async Task IndexIsRevalidatedOnEveryLoadAndHashedAssetsAreCachedForAYear()
    {
        using var app = App(_dist);
        var http = app.CreateClient();
        var index = await http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
        Assert.Contains("<div id=app>", await index.Content.ReadAsStringAsync());
        Assert.Equal("no-cache", index.Headers.CacheControl!.ToString());
        Assert.Contains("script-src 'self'", index.Headers.GetValues("Content-Security-Policy").Single());

        var asset = await http.GetAsync("/assets/index-abc123.js");
        Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
        Assert.Equal("public, max-age=31536000, immutable", asset.Headers.CacheControl!.ToString());
    }

    [Theory]
    [InlineData("/channels/123/456")]
    [InlineData("/dm/789")]
    [InlineData("/invite/abcDEF1234")]
    public async Task ClientRoutesGetIndexHtml(string path)
    {
        using var app = App(_dist);
        var res = await app.CreateClient().GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Equal("text/html", res.Content.Headers.ContentType!.MediaType);
        Assert.Contains("<div id=app>", await res.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/api/nothing-here")]
    [InlineData("/socket.io/nothing")]
    [InlineData("/health/nothing")]
    [InlineData("/metrics/nothing")]
    [InlineData("/openapi/nothing")]
    [InlineData("/assets/missing-file.js")]
    public async Task ServerPrefixesAndMissingFilesStayProblemJson404s(string path)
    {
        using var app = App(_dist);
        var res = await app.CreateClient().GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, res.StatusCode);
        Assert.NotEqual("text/html", res.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task TheFallbackNeverShadowsApiRoutesForOtherMethods()
    {
        using var app = App(_dist);
        var http = app.CreateClient();
        // An unsafe request to an API route still reaches the API (401 here: no session), never index.html or a 404.
        var ban = await http.PutAsync("/api/servers/1/bans/2", null);
        Assert.Equal(HttpStatusCode.Unauthorized, ban.StatusCode);
        var post = await http.PostAsync("/channels/1/2", null);
        Assert.NotEqual(HttpStatusCode.OK, post.StatusCode);
    }

    [Fact]
    public async Task WithoutABuiltClientTheApiStillWorksAndTheRootSaysHowToBuildIt()
    {
        using var app = App(Path.Combine(_dist, "not-built"));
        var http = app.CreateClient();
        var root = await http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, root.StatusCode);
        Assert.Contains("npm ci", await root.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/channels/1/2")).StatusCode);
    }
}
