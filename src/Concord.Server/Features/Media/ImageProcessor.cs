using NetVips;
using VipsImage = NetVips.Image;

namespace Concord.Server.Features.Media;

/// <summary>A re-encoded image: WebP bytes and their size in pixels.</summary>
public sealed record EncodedImage(byte[] Bytes, int Width, int Height);

/// <summary>
/// Decoding and re-encoding with libvips (NetVips). Callers check the header's pixel count first
/// (<see cref="ImageHeader"/>); only PNG, JPEG, GIF and WebP reach here, and libvips' untrusted loaders
/// (SVG, PDF, ImageMagick …) are blocked outright. Re-encoding drops EXIF and anything appended to the image.
/// </summary>
public sealed class ImageProcessor
{
    public const int AvatarSize = 512;
    public static readonly (string Name, int Box)[] PreviewSizes = [("small", 256), ("large", 1024)];

    static ImageProcessor()
    {
        NetVips.NetVips.BlockUntrusted = true;
        // Each job decodes a different image: libvips' operation cache would only hold memory.
        Cache.Max = 0;
    }

    /// <summary>A square avatar or icon: centre-cropped to 512×512 (smaller images are not enlarged), WebP, no metadata.</summary>
    public EncodedImage Avatar(byte[] source)
    {
        using var image = VipsImage.ThumbnailBuffer(source, AvatarSize, height: AvatarSize, size: Enums.Size.Down,
            crop: Enums.Interesting.Centre, failOn: Enums.FailOn.Error);
        return Encode(image, 85);
    }

    /// <summary>A preview that fits a <paramref name="box"/>×<paramref name="box"/> square (never enlarged).</summary>
    public EncodedImage Preview(byte[] source, int box)
    {
        using var image = VipsImage.ThumbnailBuffer(source, box, height: box, size: Enums.Size.Down, failOn: Enums.FailOn.Error);
        return Encode(image, 80);
    }

    /// <summary>A 16-pixel, heavily compressed WebP as a data: URI (a few hundred bytes), to blur in while the preview loads.</summary>
    public string Placeholder(byte[] source)
    {
        using var image = VipsImage.ThumbnailBuffer(source, 16, height: 16, size: Enums.Size.Down, failOn: Enums.FailOn.Error);
        return "data:image/webp;base64," + Convert.ToBase64String(Encode(image, 30).Bytes);
    }

    private static EncodedImage Encode(VipsImage image, int quality) =>
        new(image.WebpsaveBuffer(q: quality, keep: Enums.ForeignKeep.None), image.Width, image.Height);
}
