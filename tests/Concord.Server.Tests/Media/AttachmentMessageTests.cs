using System.Net;
using System.Text.Json;
using Concord.Server.Features.Media;
using Concord.Server.Features.Media.Storage;
using Concord.Server.Infrastructure.Ids;
using Concord.Server.Tests.Infrastructure;
using Concord.Server.Tests.Messages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Concord.Server.Tests.Media;

/// <summary>Attachments in messages, avatars, server icons and the clean-up of unattached uploads.</summary>
public abstract class AttachmentMessageTests(MediaApp app)
{
    private static async Task<string> UploadIdAsync(TestUser user, byte[] bytes, string name)
    {
        var response = await user.UploadAsync(bytes, name);
        await response.AssertStatusAsync(HttpStatusCode.Created);
        return (await response.JsonAsync()).GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task AMessageCarriesItsAttachmentsWithSignedUrlsInTheAnswerAndThePage()
    {
        var chat = await app.CreateChatAsync();
        var a = await UploadIdAsync(chat.Member, Uploads.Png(30, 10), "a.png");
        var b = await UploadIdAsync(chat.Member, "notes"u8.ToArray(), "notes.txt");

        var sent = await chat.Member.PostAsync(chat.Messages, new { content = "", attachments = new[] { a, b } });
        await sent.AssertStatusAsync(HttpStatusCode.Created);
        var attachments = (await sent.JsonAsync()).GetProperty("attachments").EnumerateArray().ToList();
        Assert.Equal([a, b], attachments.Select(x => x.GetProperty("id").GetString()));
        Assert.Equal(30, attachments[0].GetProperty("width").GetInt32());

        var page = (await (await chat.Owner.GetAsync(chat.Messages)).JsonAsync())[0];
        var url = page.GetProperty("attachments")[1].GetProperty("url").GetString()!;
        Assert.Contains("sig=", url);
        var file = await app.CreateClient().GetAsync(url);
        await file.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal("notes", await file.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AnUploadIsClaimedByOneMessageOnlyAndOnlyByItsUploader()
    {
        var chat = await app.CreateChatAsync();
        var mine = await UploadIdAsync(chat.Member, "x"u8.ToArray(), "x.txt");
        await (await chat.Member.PostAsync(chat.Messages, new { content = "1", attachments = new[] { mine } })).AssertStatusAsync(HttpStatusCode.Created);

        var again = await (await chat.Member.PostAsync(chat.Messages, new { content = "2", attachments = new[] { mine } })).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(again.GetProperty("errors").TryGetProperty("attachments", out _));

        var someoneElses = await UploadIdAsync(chat.Admin, "y"u8.ToArray(), "y.txt");
        await (await chat.Member.PostAsync(chat.Messages, new { content = "3", attachments = new[] { someoneElses } })).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await chat.Member.PostAsync(chat.Messages, new { content = "4", attachments = new[] { "123456789" } })).AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task TwoConcurrentSendsCannotBothClaimOneUpload()
    {
        var chat = await app.CreateChatAsync();
        var id = await UploadIdAsync(chat.Member, "z"u8.ToArray(), "z.txt");
        var sends = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => chat.Member.PostAsync(chat.Messages, new { content = $"race {i}", attachments = new[] { id } })));
        Assert.Equal(1, sends.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.All(sends.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
    }

    [Theory]
    [InlineData(11, "At most 10 attachments.")]
    [InlineData(0, "Must not be empty.")]
    public async Task AttachmentListsAreValidated(int count, string message)
    {
        var chat = await app.CreateChatAsync();
        var ids = Enumerable.Range(1, count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var problem = await (await chat.Member.PostAsync(chat.Messages, new { content = "", attachments = ids })).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(message, problem.GetProperty("errors").EnumerateObject().SelectMany(p => p.Value.EnumerateArray()).Select(e => e.GetString()));
    }

    [Fact]
    public async Task AnAvatarIsReEncodedToASquareWebPWithoutMetadataAndServedPublicly()
    {
        var user = await app.NewUser().RegisterAsync();
        // A payload hidden after the image's end marker must not survive re-encoding.
        byte[] jpeg = [.. Uploads.Jpeg(900, 600), .. "<script>secret-payload</script>"u8];
        var response = await user.Http.PutAsync("/api/auth/avatar", Uploads.Form(jpeg, "me.jpg"));
        await response.AssertStatusAsync(HttpStatusCode.OK);
        var url = (await response.JsonAsync()).GetProperty("avatarUrl").GetString()!;
        Assert.Matches("^/media/p/[0-9a-f]{64}\\.webp$", url);

        var image = await app.CreateClient().GetAsync(url);
        await image.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal("image/webp", image.Content.Headers.ContentType?.MediaType);
        Assert.Equal("public, max-age=31536000, immutable", image.Headers.CacheControl!.ToString());
        var bytes = await image.Content.ReadAsByteArrayAsync();
        Assert.DoesNotContain("secret-payload", System.Text.Encoding.Latin1.GetString(bytes));
        using var decoded = NetVips.Image.NewFromBuffer(bytes);
        Assert.Equal((512, 512), (decoded.Width, decoded.Height));
        Assert.DoesNotContain("exif-data", decoded.GetFields());

        var me = await (await user.GetAsync("/api/auth/me")).JsonAsync();
        Assert.Equal(url, me.GetProperty("avatarUrl").GetString());
    }

    public static TheoryData<string, byte[]> NotAvatars => new()
    {
        { "an SVG with a script", "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"u8.ToArray() },
        { "a 50,000 × 50,000 PNG header", Uploads.PngHeader(50_000, 50_000) },
        { "a PNG header with no pixels", Uploads.PngHeader(10, 10) },
        { "a zero-byte file", [] },
        { "an HTML page named .png", "<html><script>alert(1)</script>"u8.ToArray() },
    };

    [Theory]
    [MemberData(nameof(NotAvatars))]
    public async Task AnAvatarThatIsNotADecodableImageIsAFieldError(string what, byte[] bytes)
    {
        var user = await app.NewUser().RegisterAsync();
        var problem = await (await user.Http.PutAsync("/api/auth/avatar", Uploads.Form(bytes, "avatar.png", "image/png"))).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("file", out _), what);
    }

    [Fact]
    public async Task OnlyThoseWhoManageTheServerSetItsIcon()
    {
        var chat = await app.CreateChatAsync();
        var url = $"/api/servers/{chat.ServerId}/icon";
        await (await chat.Outsider.Http.PutAsync(url, Uploads.Form(Uploads.Png(8, 8), "i.png"))).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await chat.Member.Http.PutAsync(url, Uploads.Form(Uploads.Png(8, 8), "i.png"))).AssertProblemAsync(HttpStatusCode.Forbidden);

        var set = await chat.Admin.Http.PutAsync(url, Uploads.Form(Uploads.Png(8, 8), "i.png"));
        await set.AssertStatusAsync(HttpStatusCode.OK);
        var icon = (await set.JsonAsync()).GetProperty("iconUrl").GetString()!;
        await (await app.CreateClient().GetAsync(icon)).AssertStatusAsync(HttpStatusCode.OK);

        await (await chat.Admin.DeleteAsync(url)).AssertStatusAsync(HttpStatusCode.OK);
        var server = await (await chat.Owner.GetAsync($"/api/servers/{chat.ServerId}")).JsonAsync();
        Assert.Equal(JsonValueKind.Null, server.GetProperty("iconUrl").ValueKind);
    }

    [Fact]
    public async Task UnattachedUploadsAreSweptWithTheirBytesAndAttachedOnesStay()
    {
        var chat = await app.CreateChatAsync();
        var ids = app.Services.GetRequiredService<SnowflakeGenerator>();
        var storage = app.Services.GetRequiredService<IMediaStorage>();
        // Rows as if made two hours ago: Snowflake ids carry their time.
        var old = SnowflakeGenerator.MinIdAt(DateTimeOffset.UtcNow.AddHours(-2));
        var (stale, kept) = ($"{Guid.NewGuid():N}{Guid.NewGuid():N}", $"{Guid.NewGuid():N}{Guid.NewGuid():N}");
        await storage.PutAsync(MediaKeys.ForHash(stale), new MemoryStream([1]));
        await storage.PutAsync(MediaKeys.ForHash(kept), new MemoryStream([2]));
        var messageId = (await app.SeedMessagesAsync(chat.ChannelId, chat.Member, 1))[0];
        await app.WithDbAsync(async db =>
        {
            db.Attachments.Add(new Attachment { Id = old + 1, UploaderId = chat.Member.UserId(), Sha256 = stale, Filename = "s", ContentType = "text/plain", Size = 1 });
            db.Attachments.Add(new Attachment { Id = old + 2, UploaderId = chat.Member.UserId(), Sha256 = kept, Filename = "k", ContentType = "text/plain", Size = 1, MessageId = messageId });
            await db.SaveChangesAsync();
        });
        var fresh = await UploadIdAsync(chat.Member, "fresh"u8.ToArray(), "f.txt");

        await app.Services.GetRequiredService<UnattachedUploadSweeper>().SweepAsync();

        var left = await app.WithDbAsync(db => db.Attachments.Where(a => a.Id == old + 1 || a.Id == old + 2 || a.Id == long.Parse(fresh)).Select(a => a.Id).ToListAsync());
        Assert.Equal([old + 2, long.Parse(fresh)], left.Order());
        Assert.Null(await storage.StatAsync(MediaKeys.ForHash(stale)));
        Assert.NotNull(await storage.StatAsync(MediaKeys.ForHash(kept)));
    }

    [Fact]
    public async Task DirectMessagesRefuseAttachmentsForNow()
    {
        var a = await app.NewUser().RegisterAsync();
        var b = await app.NewUser().RegisterAsync();
        var conversation = (await (await a.PostAsync("/api/conversations", new { userId = b.Id })).JsonAsync()).GetProperty("id").GetString();
        var id = await UploadIdAsync(a, "x"u8.ToArray(), "x.txt");
        await (await a.PostAsync($"/api/conversations/{conversation}/messages", new { content = "hi", attachments = new[] { id } })).AssertProblemAsync(HttpStatusCode.BadRequest);
    }
}

public sealed class PostgresAttachmentMessageTests(PostgresMediaApp app) : AttachmentMessageTests(app), IClassFixture<PostgresMediaApp>;
public sealed class SqliteAttachmentMessageTests(SqliteMediaApp app) : AttachmentMessageTests(app), IClassFixture<SqliteMediaApp>;
