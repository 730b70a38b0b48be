using System.Buffers.Binary;

namespace Concord.Server.Features.Media;

/// <summary>
/// Width and height read from an image's header bytes without decoding anything, so a decompression bomb
/// (a small file declaring 50,000 × 50,000 pixels) is refused before any decoder allocates for it.
/// </summary>
public static class ImageHeader
{
    public static (int Width, int Height)? Read(ReadOnlySpan<byte> b, string contentType) => contentType switch
    {
        "image/png" when b.Length >= 24 && b[12..16].SequenceEqual("IHDR"u8) =>
            ((int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(b[16..]), int.MaxValue), (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(b[20..]), int.MaxValue)),
        "image/gif" when b.Length >= 10 => (BinaryPrimitives.ReadUInt16LittleEndian(b[6..]), BinaryPrimitives.ReadUInt16LittleEndian(b[8..])),
        "image/webp" => WebP(b),
        "image/jpeg" => Jpeg(b),
        _ => null,
    };

    private static (int, int)? WebP(ReadOnlySpan<byte> b)
    {
        if (b.Length < 30) return null;
        var chunk = b[12..16];
        if (chunk.SequenceEqual("VP8X"u8)) return (1 + (b[24] | b[25] << 8 | b[26] << 16), 1 + (b[27] | b[28] << 8 | b[29] << 16));
        if (chunk.SequenceEqual("VP8 "u8)) return (BinaryPrimitives.ReadUInt16LittleEndian(b[26..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(b[28..]) & 0x3FFF);
        if (chunk.SequenceEqual("VP8L"u8))
        {
            var bits = BinaryPrimitives.ReadUInt32LittleEndian(b[21..]);
            return ((int)(bits & 0x3FFF) + 1, (int)((bits >> 14) & 0x3FFF) + 1);
        }
        return null;
    }

    private static (int, int)? Jpeg(ReadOnlySpan<byte> b)
    {
        var i = 2;
        while (i + 9 < b.Length)
        {
            if (b[i] != 0xFF) return null;
            var marker = b[i + 1];
            if (marker == 0xFF) { i++; continue; }
            var length = BinaryPrimitives.ReadUInt16BigEndian(b[(i + 2)..]);
            // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
                return (BinaryPrimitives.ReadUInt16BigEndian(b[(i + 7)..]), BinaryPrimitives.ReadUInt16BigEndian(b[(i + 5)..]));
            i += 2 + length;
        }
        return null;
    }
}
