using System.Text;

namespace Concord.SocketIO.EngineIO;

/// <summary>
/// A message received on an Engine.IO socket. <see cref="Data"/> is only valid during the
/// callback (the receive buffer is reused): keep <see cref="ToArray"/> or <see cref="Text"/>, not <c>Data</c>.
/// Passing <c>Data</c> to <see cref="EngineIOSocket.Send(ReadOnlyMemory{byte})"/> is safe (it copies).
/// </summary>
public readonly struct EngineIOMessage(ReadOnlyMemory<byte> data, bool isBinary)
{
    /// <summary>UTF-8 text (without the packet type) or raw binary.</summary>
    public ReadOnlyMemory<byte> Data { get; } = data;

    /// <summary>True for a binary message.</summary>
    public bool IsBinary { get; } = isBinary;

    /// <summary>A copy of the bytes that outlives the callback.</summary>
    public byte[] ToArray() => Data.ToArray();

    /// <summary>The message decoded as UTF-8 text.</summary>
    public string Text => Encoding.UTF8.GetString(Data.Span);
}
