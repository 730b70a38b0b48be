using System.Net.Http.Headers;
using Concord.Server.Tests.Infrastructure;

namespace Concord.Server.Tests.Media;

/// <summary>A server whose media live in a folder of their own (or in s3rver), with a small upload limit so 413 is cheap to provoke.</summary>
public class MediaApp(Backend backend, IDictionary<string, string?>? extra = null) : ConcordApp(backend, Settings(extra))
{
    public const long MaxUploadBytes = 300_000;
    public static readonly string Folder = Path.Combine(Path.GetTempPath(), "concord-media-tests");

    private static Dictionary<string, string?> Settings(IDictionary<string, string?>? extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Media:Path"] = Path.Combine(Folder, Guid.NewGuid().ToString("N")[..10]),
            ["Media:MaxUploadBytes"] = MaxUploadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Media:MaxImagePixels"] = "40000000",
            ["Media:SigningKey"] = "media-signing-key-media-signing-key-0123",
        };
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>()) settings[k] = v;
        return settings;
    }
}

public sealed class PostgresMediaApp() : MediaApp(Backend.Postgres);
public sealed class SqliteMediaApp() : MediaApp(Backend.Sqlite);
public sealed class S3MediaApp() : MediaApp(Backend.Sqlite, TestS3.Settings());

public static class Uploads
{
    public static MultipartFormDataContent Form(byte[] bytes, string filename, string claimedType = "application/octet-stream")
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(claimedType);
        return new MultipartFormDataContent { { file, "file", filename } };
    }

    public static Task<HttpResponseMessage> UploadAsync(this TestUser user, byte[] bytes, string filename, string claimedType = "application/octet-stream") =>
        user.Http.PostAsync("/api/uploads", Form(bytes, filename, claimedType));

    public static byte[] Png(int width, int height) => NetVips.Image.Black(width, height, bands: 3).PngsaveBuffer();
    public static byte[] Jpeg(int width, int height) => (NetVips.Image.Black(width, height, bands: 3) + 128).Cast(NetVips.Enums.BandFormat.Uchar).JpegsaveBuffer();

    /// <summary>A valid PNG signature and IHDR declaring width × height, with no pixel data behind it (a decompression bomb's header).</summary>
    public static byte[] PngHeader(uint width, uint height)
    {
        var bytes = new byte[33];
        new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R' }.CopyTo(bytes, 0);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(16), width);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(20), height);
        bytes[24] = 8; bytes[25] = 2; // 8-bit RGB
        return bytes;
    }
}
