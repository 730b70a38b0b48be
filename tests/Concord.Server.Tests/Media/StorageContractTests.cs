using System.Security.Cryptography;
using Concord.Server.Features.Media;
using Concord.Server.Features.Media.Storage;
using Concord.Server.Tests.Infrastructure;

namespace Concord.Server.Tests.Media;

/// <summary>The same behaviour from every store: the filesystem and a real S3-compatible server.</summary>
public abstract class StorageContractTests
{
    protected abstract IMediaStorage Storage { get; }

    private static string NewKey() => MediaKeys.ForHash(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));

    private static async Task<byte[]> ReadAllAsync(Stream? stream)
    {
        Assert.NotNull(stream);
        await using (stream)
        {
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer);
            return buffer.ToArray();
        }
    }

    [Fact]
    public async Task StoredBytesReadBackWithTheirLength()
    {
        var key = NewKey();
        var bytes = RandomNumberGenerator.GetBytes(200_000);
        await Storage.PutAsync(key, new MemoryStream(bytes));

        var stat = await Storage.StatAsync(key);
        Assert.NotNull(stat);
        Assert.Equal(bytes.Length, stat.Length);
        Assert.InRange(stat.LastModified, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));
        Assert.Equal(bytes, await ReadAllAsync(await Storage.OpenReadAsync(key)));
    }

    [Fact]
    public async Task ARangeReadsOnlyThoseBytes()
    {
        var key = NewKey();
        var bytes = RandomNumberGenerator.GetBytes(10_000);
        await Storage.PutAsync(key, new MemoryStream(bytes));

        Assert.Equal(bytes[100..600], await ReadAllAsync(await Storage.OpenReadAsync(key, 100, 500)));
        Assert.Equal(bytes[9_000..], await ReadAllAsync(await Storage.OpenReadAsync(key, 9_000)));
    }

    [Fact]
    public async Task AMissingObjectIsNullNotAnError()
    {
        var key = NewKey();
        Assert.Null(await Storage.StatAsync(key));
        Assert.Null(await Storage.OpenReadAsync(key));
        await Storage.DeleteAsync(key);
    }

    [Fact]
    public async Task DeleteRemovesTheObject()
    {
        var key = NewKey();
        await Storage.PutAsync(key, new MemoryStream([1, 2, 3]));
        await Storage.DeleteAsync(key);
        Assert.Null(await Storage.StatAsync(key));
        Assert.Null(await Storage.OpenReadAsync(key));
    }

    [Fact]
    public async Task PuttingTheSameKeyAgainKeepsOneObject()
    {
        var key = NewKey();
        await Storage.PutAsync(key, new MemoryStream([9, 9, 9]));
        await Storage.PutAsync(key, new MemoryStream([9, 9, 9]));
        Assert.Equal([9, 9, 9], await ReadAllAsync(await Storage.OpenReadAsync(key)));
    }

    [Theory]
    [InlineData("../etc/passwd")]
    [InlineData("o/../../x")]
    [InlineData("/absolute")]
    [InlineData("o/AB/Upper")]
    [InlineData("o//x")]
    [InlineData("")]
    public async Task KeysThatCouldEscapeAreRefused(string key)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Storage.PutAsync(key, new MemoryStream([1])));
        await Assert.ThrowsAsync<ArgumentException>(() => Storage.StatAsync(key));
    }
}

public sealed class FileSystemStorageTests : StorageContractTests, IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "concord-media-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly FileSystemMediaStorage _storage;

    public FileSystemStorageTests() => _storage = new FileSystemMediaStorage(_root);
    protected override IMediaStorage Storage => _storage;

    [Fact]
    public async Task NoTemporaryFilesAreLeftBehind()
    {
        await _storage.PutAsync("o/ab/abc", new MemoryStream([1, 2]));
        Assert.Equal(["abc"], Directory.GetFiles(Path.Combine(_root, "o", "ab")).Select(Path.GetFileName));
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}

public sealed class S3StorageTests : StorageContractTests, IDisposable
{
    private readonly S3MediaStorage _storage = new(TestS3.Options());
    protected override IMediaStorage Storage => _storage;
    public void Dispose() => _storage.Dispose();
}

/// <summary>The s3rver that ./test.sh starts; each use gets its own key prefix.</summary>
public static class TestS3
{
    public static S3StorageOptions Options()
    {
        var parts = TestEnvironment.S3.Split(';');
        return new S3StorageOptions
        {
            ServiceUrl = parts[0], Bucket = parts[1], AccessKey = parts[2], SecretKey = parts[3],
            Prefix = "t" + Guid.NewGuid().ToString("N")[..10],
        };
    }

    public static Dictionary<string, string?> Settings()
    {
        var o = Options();
        return new()
        {
            ["Media:Storage"] = "S3", ["Media:S3:ServiceUrl"] = o.ServiceUrl, ["Media:S3:Bucket"] = o.Bucket,
            ["Media:S3:AccessKey"] = o.AccessKey, ["Media:S3:SecretKey"] = o.SecretKey, ["Media:S3:Prefix"] = o.Prefix,
        };
    }
}
