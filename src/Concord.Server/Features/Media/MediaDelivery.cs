using System.Text.RegularExpressions;
using Concord.Server.Features.Media.Storage;
using Concord.Server.Infrastructure.Data;
using Concord.Server.Infrastructure.Errors;
using Microsoft.EntityFrameworkCore;

namespace Concord.Server.Features.Media;

/// <summary>
/// GET and HEAD of stored objects, for browsers and CDNs: immutable content-addressed URLs, strong ETags,
/// ranges. No session is consulted: public objects are public, attachments carry their own signature.
/// </summary>
public static partial class MediaDelivery
{
    private const int Year = 31_536_000;

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha();

    public static IEndpointRouteBuilder MapMediaDelivery(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/media").WithTags("Media").AllowAnonymous().ExcludeFromDescription();
        group.MapMethods("/p/{file}", [HttpMethods.Get, HttpMethods.Head], Public);
        group.MapMethods("/a/{id:long}/{sha}/{name}", [HttpMethods.Get, HttpMethods.Head], Attachment);
        return app;
    }

    private static async Task Public(string file, HttpContext http, IMediaStorage storage)
    {
        var sha = file.EndsWith(".webp", StringComparison.Ordinal) ? file[..^5] : "";
        if (!Sha().IsMatch(sha)) { await Problems.WriteAsync(http, ApiError.NotFound("File")); return; }
        await ObjectResponder.ServeAsync(http, storage, MediaKeys.ForHash(sha, "p"), new("image/webp", null, sha, Year));
    }

    private static async Task Attachment(long id, string sha, long? ex, string? sig, HttpContext http, IMediaStorage storage,
        MediaUrls urls, ConcordDbContext db, TimeProvider time)
    {
        if (!Sha().IsMatch(sha)) { await Problems.WriteAsync(http, ApiError.NotFound("File")); return; }
        if (urls.Verify(id, sha, ex, sig) is { } why) { await Problems.WriteAsync(http, ApiError.Forbidden(why)); return; }
        // The primary, not the replica: an uploader fetches its link at once, and a lagging 404 would be cached by a CDN.
        var row = await db.Attachments.AsNoTracking().Where(a => a.Id == id)
            .Select(a => new { a.Sha256, a.ContentType, a.Filename, a.Previews }).FirstOrDefaultAsync(http.RequestAborted);
        // A CDN may cache until the link expires, never longer: after that the link must be re-signed.
        var maxAge = (int)Math.Clamp(ex!.Value - time.GetUtcNow().ToUnixTimeSeconds(), 0, Year);
        if (row is not null && row.Sha256 == sha)
        {
            await ObjectResponder.ServeAsync(http, storage, MediaKeys.ForHash(sha), new(row.ContentType, row.Filename, sha, maxAge));
            return;
        }
        var preview = row is null ? null : StoredPreview.Parse(row.Previews).FirstOrDefault(p => p.Sha256 == sha);
        if (preview is null) { await Problems.WriteAsync(http, ApiError.NotFound("File")); return; }
        await ObjectResponder.ServeAsync(http, storage, MediaKeys.ForHash(sha, "t"), new("image/webp", $"{preview.Size}.webp", sha, maxAge));
    }
}
