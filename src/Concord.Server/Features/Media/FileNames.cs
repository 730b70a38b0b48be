using System.Text;

namespace Concord.Server.Features.Media;

/// <summary>Turns a client's filename into a safe display name: no folders, no control or reserved characters, a bounded length, the extension of the real type.</summary>
public static class FileNames
{
    public const int Max = 100;

    public static string Sanitize(string? name, string contentType)
    {
        // Only the last segment counts, whichever separator the client's platform used.
        var last = (name ?? "").Replace('\\', '/').Split('/')[^1];
        var clean = new StringBuilder(last.Length);
        foreach (var c in last.Normalize(NormalizationForm.FormC))
            if (!char.IsControl(c) && c is not ('<' or '>' or ':' or '"' or '|' or '?' or '*' or '\u202E' or '\u200E' or '\u200F'))
                clean.Append(c);
        var result = clean.ToString().Trim().Trim('.').Trim();
        if (result.Length == 0) result = "file";

        if (ContentSniffer.Extension(contentType) is { } ext && !result.EndsWith(ext, StringComparison.OrdinalIgnoreCase)
            && !(ext == ".jpg" && result.EndsWith(".jpeg", StringComparison.OrdinalIgnoreCase)))
        {
            var dot = result.LastIndexOf('.');
            result = (dot > 0 ? result[..dot] : result) + ext;
        }
        if (result.Length > Max)
        {
            var ext2 = Path.GetExtension(result);
            result = result[..(Max - ext2.Length)] + ext2;
        }
        return result;
    }
}
