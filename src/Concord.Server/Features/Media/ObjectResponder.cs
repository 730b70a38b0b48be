using System.Globalization;
using Concord.Server.Features.Media.Storage;
using Concord.Server.Infrastructure.Errors;
using Microsoft.Net.Http.Headers;

namespace Concord.Server.Features.Media;

/// <summary>How one stored object is served: its type, its download name (null: none), its hash (the strong ETag), cache lifetime.</summary>
public sealed record ServedObject(string ContentType, string? Filename, string Sha256, int MaxAgeSeconds);

/// <summary>Conditional and range requests over any <see cref="IMediaStorage"/> (the S3 stream cannot seek, so ranges are asked of the store).</summary>
internal static class ObjectResponder
{
    public static async Task ServeAsync(HttpContext http, IMediaStorage storage, string key, ServedObject o)
    {
        var ct = http.RequestAborted;
        var stat = await storage.StatAsync(key, ct);
        if (stat is null) { await Problems.WriteAsync(http, ApiError.NotFound("File")); return; }

        var response = http.Response;
        var etag = new EntityTagHeaderValue($"\"{o.Sha256}\"");
        var h = response.GetTypedHeaders();
        h.ETag = etag;
        h.LastModified = stat.LastModified;
        response.Headers.CacheControl = $"public, max-age={o.MaxAgeSeconds.ToString(CultureInfo.InvariantCulture)}, immutable";
        response.Headers.AcceptRanges = "bytes";
        // Whatever the file holds, it runs nothing in a browser that opens it directly: no scripts, no plugins,
        // a unique origin (sandbox), and the type we sniffed is final (nosniff, set globally).
        response.Headers.ContentSecurityPolicy = "sandbox; default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'";
        response.Headers["Cross-Origin-Resource-Policy"] = "cross-origin";
        response.Headers.XFrameOptions = "DENY";
        var inline = ContentSniffer.IsInlineSafe(o.ContentType);
        if (o.Filename is not null || !inline)
        {
            var disposition = new ContentDispositionHeaderValue(inline ? "inline" : "attachment");
            disposition.SetHttpFileName(o.Filename ?? "file");
            response.Headers.ContentDisposition = disposition.ToString();
        }

        var request = http.Request.GetTypedHeaders();
        if (request.IfNoneMatch is { Count: > 0 } inm && inm.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(etag, useStrongComparison: false)))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        var (offset, length) = (0L, stat.Length);
        var range = request.Range;
        var ifRangeOk = request.IfRange is not { } ifRange || (ifRange.EntityTag is { } t2 && t2.Compare(etag, useStrongComparison: true));
        if (range is { Ranges.Count: 1 } && string.Equals(range.Unit.Value, "bytes", StringComparison.OrdinalIgnoreCase) && ifRangeOk)
        {
            var r = range.Ranges.Single();
            if (r.From is { } from) (offset, length) = (from, Math.Min(r.To ?? long.MaxValue, stat.Length - 1) - from + 1);
            else if (r.To is { } suffix) (offset, length) = (Math.Max(0, stat.Length - suffix), Math.Min(suffix, stat.Length));
            if (offset >= stat.Length || length <= 0)
            {
                response.Headers.ContentRange = $"bytes */{stat.Length}";
                await Problems.WriteAsync(http, new ApiError(ErrorCode.BadRequest, "The range is outside the file."), StatusCodes.Status416RangeNotSatisfiable);
                return;
            }
            response.StatusCode = StatusCodes.Status206PartialContent;
            response.Headers.ContentRange = $"bytes {offset}-{offset + length - 1}/{stat.Length}";
        }
        response.ContentType = o.ContentType;
        response.ContentLength = length;
        if (HttpMethods.IsHead(http.Request.Method)) return;

        await using var body = await storage.OpenReadAsync(key, offset, length == stat.Length ? null : length, ct);
        if (body is null) { response.StatusCode = StatusCodes.Status404NotFound; return; }
        await body.CopyToAsync(response.Body, ct);
    }
}
