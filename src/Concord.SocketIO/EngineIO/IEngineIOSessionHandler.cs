namespace Concord.SocketIO.EngineIO;

/// <summary>
/// The Socket.IO layer's receiver for one session's messages and close: one interface reference on the
/// session instead of the two delegates <see cref="EngineIOSocket.OnMessage"/> and
/// <see cref="EngineIOSocket.OnClose"/> would cost (64 bytes each, for every connection).
/// </summary>
internal interface IEngineIOSessionHandler
{
    ValueTask OnMessageAsync(EngineIOMessage message);

    void OnClose(string reason);
}
