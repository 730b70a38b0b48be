using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Concord.SocketIO.Tests.Detached;

/// <summary>A WebSocket frame on the wire, as the server sent it.</summary>
public sealed record WireFrame(bool Fin, int Opcode, byte[] Payload)
{
    public string Text => Encoding.UTF8.GetString(Payload);

    /// <summary>The status code of a close frame (1005 when it carries none).</summary>
    public int CloseCode => Payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(Payload) : 1005;
}

/// <summary>
/// RFC 6455 over a raw TCP socket, byte by byte: the handshake written by hand and frames built here, so tests can send
/// what no WebSocket library would (unmasked frames, bad close codes, invalid UTF-8, interleaved control frames).
/// </summary>
public sealed class RawFrameClient : IAsyncDisposable
{
    public const int Continuation = 0, TextOp = 1, BinaryOp = 2, CloseOp = 8, PingOp = 9, PongOp = 10;

    private readonly TcpClient _tcp;
    private readonly Stream _stream;
    private byte[] _buffer = new byte[64 * 1024];
    private int _start, _end;

    private RawFrameClient(TcpClient tcp, Stream stream)
    {
        _tcp = tcp;
        _stream = stream;
    }

    /// <summary>The response head the server answered the upgrade with.</summary>
    public string ResponseHead { get; private set; } = "";

    /// <summary>
    /// Connects and sends the upgrade request for <paramref name="pathAndQuery"/>; <paramref name="sentWithRequest"/> is
    /// written in the same write, right after the request's headers (bytes the server reads before it answers).
    /// </summary>
    public static async Task<RawFrameClient> ConnectAsync(Uri baseUri, string pathAndQuery = "/socket.io/?EIO=4&transport=websocket",
        string connectionHeader = "Upgrade", byte[]? sentWithRequest = null, bool expect101 = true)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(baseUri.Host, baseUri.Port);
        var client = new RawFrameClient(tcp, tcp.GetStream());
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var request = $"GET {pathAndQuery} HTTP/1.1\r\nHost: {baseUri.Authority}\r\nConnection: {connectionHeader}\r\nUpgrade: websocket\r\n" +
                      $"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {key}\r\n\r\n";
        await client._stream.WriteAsync((byte[])[.. Encoding.ASCII.GetBytes(request), .. sentWithRequest ?? []]);
        client.ResponseHead = await client.ReadHeadAsync();
        if (!expect101) return client;
        var expected = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
        Assert.StartsWith("HTTP/1.1 101", client.ResponseHead);
        Assert.Contains("Sec-WebSocket-Accept: " + expected, client.ResponseHead, StringComparison.OrdinalIgnoreCase);
        return client;
    }

    /// <summary>A client frame, masked unless <paramref name="masked"/> is false.</summary>
    public static byte[] Frame(int opcode, ReadOnlySpan<byte> payload, bool fin = true, bool masked = true)
    {
        var header = new List<byte> { (byte)((fin ? 0x80 : 0) | opcode) };
        var mask = masked ? 0x80 : 0;
        if (payload.Length < 126) header.Add((byte)(mask | payload.Length));
        else if (payload.Length <= ushort.MaxValue)
        {
            header.Add((byte)(mask | 126));
            header.Add((byte)(payload.Length >> 8));
            header.Add((byte)payload.Length);
        }
        else
        {
            header.Add((byte)(mask | 127));
            for (var shift = 56; shift >= 0; shift -= 8) header.Add((byte)((long)payload.Length >> shift));
        }
        var key = masked ? RandomNumberGenerator.GetBytes(4) : [];
        header.AddRange(key);
        var body = payload.ToArray();
        if (masked) for (var i = 0; i < body.Length; i++) body[i] ^= key[i % 4];
        return [.. header, .. body];
    }

    public static byte[] TextFrame(string text, bool fin = true, int opcode = TextOp) => Frame(opcode, Encoding.UTF8.GetBytes(text), fin);

    public static byte[] CloseFrame(int code) => Frame(CloseOp, [(byte)(code >> 8), (byte)code]);

    public Task SendAsync(params byte[][] frames) => _stream.WriteAsync((byte[])[.. frames.SelectMany(f => f)]).AsTask();

    /// <summary>The next frame, or null once the server closed the TCP connection.</summary>
    public async Task<WireFrame?> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        if (!await FillAsync(2, cts.Token)) return null;
        var fin = (_buffer[_start] & 0x80) != 0;
        var opcode = _buffer[_start] & 0x0F;
        Assert.Equal(0, _buffer[_start + 1] & 0x80); // RFC 6455 §5.1: a server never masks
        long length = _buffer[_start + 1] & 0x7F;
        var headerLength = 2;
        if (length == 126)
        {
            Assert.True(await FillAsync(4, cts.Token));
            length = BinaryPrimitives.ReadUInt16BigEndian(_buffer.AsSpan(_start + 2));
            headerLength = 4;
        }
        else if (length == 127)
        {
            Assert.True(await FillAsync(10, cts.Token));
            length = (long)BinaryPrimitives.ReadUInt64BigEndian(_buffer.AsSpan(_start + 2));
            headerLength = 10;
        }
        Assert.True(await FillAsync(headerLength + (int)length, cts.Token));
        var payload = _buffer.AsSpan(_start + headerLength, (int)length).ToArray();
        _start += headerLength + (int)length;
        return new WireFrame(fin, opcode, payload);
    }

    /// <summary>Frames until the server closes the TCP connection (a reset after the last frame counts as the end).</summary>
    public async Task<List<WireFrame>> ReceiveUntilEndAsync()
    {
        var frames = new List<WireFrame>();
        try
        {
            while (await ReceiveAsync() is { } frame) frames.Add(frame);
        }
        catch (IOException) when (frames.Count > 0) { }
        return frames;
    }

    /// <summary>The next data frame's text, answering nothing (the server's pings are Engine.IO packets, not frames).</summary>
    public async Task<string> ReceiveTextAsync()
    {
        var frame = await ReceiveAsync() ?? throw new InvalidOperationException("connection closed");
        Assert.Equal(TextOp, frame.Opcode);
        return frame.Text;
    }

    private async Task<bool> FillAsync(int count, CancellationToken cancellationToken)
    {
        while (_end - _start < count)
        {
            if (_start > 0)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                (_end, _start) = (_end - _start, 0);
            }
            if (count > _buffer.Length) Array.Resize(ref _buffer, count);
            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (read == 0) return false;
            _end += read;
        }
        return true;
    }

    private async Task<string> ReadHeadAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var end = _buffer.AsSpan(0, _end).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                _start = end + 4;
                return Encoding.ASCII.GetString(_buffer, 0, end);
            }
            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cts.Token);
            if (read == 0) throw new IOException("closed before the response head: " + Encoding.ASCII.GetString(_buffer, 0, _end));
            _end += read;
        }
    }

    public ValueTask DisposeAsync()
    {
        _stream.Dispose();
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
