using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Concord.Server.Tests.Infrastructure;

namespace Concord.Server.Tests.Media;

/// <summary>Uploads and their delivery: sniffing, limits, names, cache headers, ranges, signatures; on every database and store.</summary>
public abstract class UploadAndDeliveryTests(MediaApp app)
{
    private async Task<(TestUser User, JsonElement Upload)> UploadAsync(byte[] bytes, string name, string claimed = "application/octet-stream")
    {
        var user = await app.NewUser().RegisterAsync();
        var response = await user.UploadAsync(bytes, name, claimed);
        await response.AssertStatusAsync(HttpStatusCode.Created);
        return (user, await response.JsonAsync());
    }

    private static string Url(JsonElement upload) => upload.GetProperty("url").GetString()!;

    [Fact]
    public async Task AnUploadIsTypedByItsBytesNotByWhatTheClientClaims()
    {
        var png = Uploads.Png(64, 32);
        var (_, upload) = await UploadAsync(png, "photo.jpg", "text/html");

        Assert.Equal("image/png", upload.GetProperty("contentType").GetString());
        Assert.Equal("photo.png", upload.GetProperty("filename").GetString());
        Assert.Equal(png.Length, upload.GetProperty("size").GetInt64());
        Assert.Equal(64, upload.GetProperty("width").GetInt32());
        Assert.Equal(32, upload.GetProperty("height").GetInt32());
        Assert.Contains($"/{Convert.ToHexStringLower(SHA256.HashData(png))}/", Url(upload));
    }

    [Fact]
    public async Task AnAttachmentIsServedImmutableWithAStrongETagWithoutASession()
    {
        var png = Uploads.Png(20, 20);
        var (_, upload) = await UploadAsync(png, "dot.png");
        var anonymous = app.CreateClient();

        var response = await anonymous.GetAsync(Url(upload));
        await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(png, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"\"{Convert.ToHexStringLower(SHA256.HashData(png))}\"", response.Headers.ETag?.ToString());
        Assert.False(response.Headers.ETag!.IsWeak);
        Assert.NotNull(response.Content.Headers.LastModified);
        Assert.Contains("immutable", response.Headers.CacheControl!.ToString());
        Assert.True(response.Headers.CacheControl.Public);
        Assert.Equal("inline", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Contains("sandbox", string.Join(";", response.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task RangesConditionalsAndHeadFollowHttpSemantics()
    {
        var bytes = RandomNumberGenerator.GetBytes(5000);
        var (_, upload) = await UploadAsync(bytes, "blob.bin");
        var client = app.CreateClient();

        var range = new HttpRequestMessage(HttpMethod.Get, Url(upload)) { Headers = { Range = new RangeHeaderValue(100, 199) } };
        var partial = await client.SendAsync(range);
        await partial.AssertStatusAsync(HttpStatusCode.PartialContent);
        Assert.Equal(bytes[100..200], await partial.Content.ReadAsByteArrayAsync());
        Assert.Equal("bytes 100-199/5000", partial.Content.Headers.ContentRange?.ToString());

        var suffix = new HttpRequestMessage(HttpMethod.Get, Url(upload)) { Headers = { Range = new RangeHeaderValue(null, 10) } };
        Assert.Equal(bytes[^10..], await (await client.SendAsync(suffix)).Content.ReadAsByteArrayAsync());

        var outside = new HttpRequestMessage(HttpMethod.Get, Url(upload)) { Headers = { Range = new RangeHeaderValue(9000, null) } };
        var refused = await client.SendAsync(outside);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, refused.StatusCode);
        Assert.Equal("bytes */5000", refused.Content.Headers.ContentRange?.ToString());

        var full = await client.GetAsync(Url(upload));
        var conditional = new HttpRequestMessage(HttpMethod.Get, Url(upload));
        conditional.Headers.IfNoneMatch.Add(full.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(conditional)).StatusCode);

        var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, Url(upload)));
        await head.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(5000, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        Assert.Equal("attachment", head.Content.Headers.ContentDisposition?.DispositionType);
    }

    [Fact]
    public async Task ATamperedUnsignedOrExpiredLinkIsRefused()
    {
        var (_, upload) = await UploadAsync(Encoding.UTF8.GetBytes("hello"), "a.txt");
        var url = Url(upload);
        var client = app.CreateClient();
        var path = url[..url.IndexOf('?')];
        var ex = long.Parse(url.Split("ex=")[1].Split('&')[0]);
        var sig = url.Split("sig=")[1];

        await (await client.GetAsync(path)).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await client.GetAsync($"{path}?ex={ex + 3600}&sig={sig}")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await client.GetAsync($"{path}?ex={ex}&sig=AAAA{sig[4..]}")).AssertProblemAsync(HttpStatusCode.Forbidden);
        // Another upload's id under this signature: the signature covers the id and the hash.
        var otherId = upload.GetProperty("id").GetString() + "1";
        await (await client.GetAsync(url.Replace($"/a/{upload.GetProperty("id").GetString()}/", $"/a/{otherId}/"))).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await client.GetAsync(url)).AssertStatusAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task UploadsNeedASession() =>
        await (await app.CreateClient().PostAsync("/api/uploads", Uploads.Form([1, 2, 3], "x.bin"))).AssertProblemAsync(HttpStatusCode.Unauthorized);

    [Fact]
    public async Task AFileOverTheLimitIs413()
    {
        var user = await app.NewUser().RegisterAsync();
        var problem = await (await user.UploadAsync(new byte[MediaApp.MaxUploadBytes + 1], "big.bin")).AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("payload_too_large", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task AJsonBodyIs415()
    {
        var user = await app.NewUser().RegisterAsync();
        await (await user.PostAsync("/api/uploads", new { file = "x" })).AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    public static TheoryData<string, byte[], string> Refused => new()
    {
        { "zero-byte file", [], "empty.png" },
        { "50,000 × 50,000 PNG header", Uploads.PngHeader(50_000, 50_000), "bomb.png" },
        { "4,294,967,295-wide PNG header", Uploads.PngHeader(uint.MaxValue, 1), "wide.png" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task MaliciousUploadsAreRefusedWithAFieldError(string what, byte[] bytes, string name)
    {
        var user = await app.NewUser().RegisterAsync();
        var problem = await (await user.UploadAsync(bytes, name, "image/png")).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("file", out _), what);
    }

    public static TheoryData<string, byte[], string, string, string> Neutralised => new()
    {
        // An HTML page with a PNG appended: sniffed as HTML, so it is downloaded, never rendered in Concord's origin.
        { "HTML/PNG polyglot", [.. "<html><script>alert(document.cookie)</script></html>"u8, .. Uploads.Png(2, 2)], "cute.png", "text/html", "cute.html" },
        // A GIF whose trailer holds a script: it stays an image (nosniff), and the sandbox stops it running if opened.
        { "GIF/JS polyglot", [.. "GIF89a\x01\x00\x01\x00"u8, .. "\x00\x00\x00;alert(1)//<script>alert(2)</script>"u8], "x.gif", "image/gif", "x.gif" },
        { "SVG with a script", "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"u8.ToArray(), "logo.svg", "image/svg+xml", "logo.svg" },
        { "extension that lies", "<!DOCTYPE html><body onload=alert(1)>"u8.ToArray(), "cat.png", "text/html", "cat.html" },
        { "path traversal name", "just text"u8.ToArray(), "../../../etc/passwd", "text/plain", "passwd.txt" },
        { "Windows path traversal name", "just text"u8.ToArray(), "..\\..\\boot.ini", "text/plain", "boot.txt" },
    };

    [Theory]
    [MemberData(nameof(Neutralised))]
    public async Task MaliciousUploadsAreStoredInertAndNeverServedActive(string what, byte[] bytes, string name, string type, string filename)
    {
        var (_, upload) = await UploadAsync(bytes, name, "image/png");
        Assert.True(upload.GetProperty("contentType").GetString()!.StartsWith(type, StringComparison.Ordinal), what);
        Assert.Equal(filename, upload.GetProperty("filename").GetString());

        var response = await app.CreateClient().GetAsync(Url(upload));
        await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.StartsWith(type, response.Content.Headers.ContentType!.ToString());
        Assert.Contains("sandbox", string.Join(";", response.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        if (type is "text/html" or "image/svg+xml")
            Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
    }
}

public sealed class PostgresUploadAndDeliveryTests(PostgresMediaApp app) : UploadAndDeliveryTests(app), IClassFixture<PostgresMediaApp>;
public sealed class SqliteUploadAndDeliveryTests(SqliteMediaApp app) : UploadAndDeliveryTests(app), IClassFixture<SqliteMediaApp>;
public sealed class S3UploadAndDeliveryTests(S3MediaApp app) : UploadAndDeliveryTests(app), IClassFixture<S3MediaApp>;
