namespace Concord.Server.Features.Media.Storage;

/// <summary>Objects as files under one folder (<c>Media:Path</c>). Writes go to a temporary file renamed into place, so a reader never sees half an object.</summary>
public sealed class FileSystemMediaStorage(string root) : IMediaStorage
{
    private readonly string _root = Path.GetFullPath(root);

    private string PathOf(string key)
    {
        var path = Path.GetFullPath(Path.Combine(_root, MediaKeys.Check(key)));
        // MediaKeys.Check already refuses "..": this is the second lock on the same door.
        if (!path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal)) throw new ArgumentException("Key escapes the media folder.", nameof(key));
        return path;
    }

    public async Task PutAsync(string key, Stream content, CancellationToken ct = default)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
                await content.CopyToAsync(file, ct);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    public Task<StoredObject?> StatAsync(string key, CancellationToken ct = default)
    {
        var info = new FileInfo(PathOf(key));
        return Task.FromResult(info.Exists ? new StoredObject(info.Length, new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero)) : null);
    }

    public Task<Stream?> OpenReadAsync(string key, long offset = 0, long? length = null, CancellationToken ct = default)
    {
        FileStream file;
        try
        {
            file = new FileStream(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, useAsync: true);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
        file.Seek(offset, SeekOrigin.Begin);
        Stream result = length is { } n ? new LimitedStream(file, n) : file;
        return Task.FromResult<Stream?>(result);
    }

    public Task DeleteAsync(string key, CancellationToken ct = default)
    {
        try
        {
            File.Delete(PathOf(key));
        }
        catch (DirectoryNotFoundException)
        {
            // Its folder was never made: nothing to delete.
        }
        return Task.CompletedTask;
    }
}
