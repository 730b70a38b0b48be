using System.Text;

namespace Concord.SocketIO.EngineIO;

/// <summary>The error codes the JS engine.io server answers with; clients and tests depend on the exact numbers.</summary>
internal static class EngineIOErrors
{
    public const int UnknownTransport = 0;
    public const int UnknownSid = 1;
    public const int BadHandshakeMethod = 2;
    public const int BadRequest = 3;
    public const int Forbidden = 4;
    public const int UnsupportedProtocolVersion = 5;

    private static readonly string[] Messages =
    [
        "Transport unknown",
        "Session ID unknown",
        "Bad handshake method",
        "Bad request",
        "Forbidden",
        "Unsupported protocol version",
    ];

    public static Task WriteAsync(HttpContext context, int code)
    {
        context.Response.StatusCode = code == Forbidden ? 403 : 400;
        context.Response.ContentType = "application/json";
        var body = $"{{\"code\":{code},\"message\":\"{Messages[code]}\"}}";
        return context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(body)).AsTask();
    }
}
