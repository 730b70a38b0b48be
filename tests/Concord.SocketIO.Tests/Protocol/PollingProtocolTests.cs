using System.Net;
using System.Text.Json;
using Concord.SocketIO.Tests.Infrastructure;

namespace Concord.SocketIO.Tests.Protocol;

public sealed class PollingProtocolTests
{
    [Fact]
    public async Task HandshakeAnswersTheOpenPacketWithTheConfiguredLimits()
    {
        await using var host = await EdgeHost.StartAsync();
        using var client = new RawPolling(host);
        using var response = await client.Http.GetAsync(host.EngineUri("EIO=4&transport=polling"));

        Assert.Equal("text/plain; charset=UTF-8", response.Content.Headers.ContentType!.ToString());
        var body = await response.Content.ReadAsStringAsync();
        var open = JsonDocument.Parse(body[1..]).RootElement;
        Assert.Equal('0', body[0]);
        Assert.Equal(20, open.GetProperty("sid").GetString()!.Length);
        Assert.Equal("[\"websocket\"]", open.GetProperty("upgrades").GetRawText());
        Assert.Equal(25000, open.GetProperty("pingInterval").GetInt32());
        Assert.Equal(20000, open.GetProperty("pingTimeout").GetInt32());
        Assert.Equal(1000, open.GetProperty("maxPayload").GetInt32());
    }

    [Theory]
    [InlineData("GET", "EIO=4&transport=carrier-pigeon", 400, 0, "Transport unknown")]
    [InlineData("GET", "EIO=4&transport=polling&sid=no-such-session", 400, 1, "Session ID unknown")]
    [InlineData("POST", "EIO=4&transport=polling", 400, 2, "Bad handshake method")]
    [InlineData("GET", "EIO=4&transport=websocket", 400, 3, "Bad request")]
    [InlineData("GET", "EIO=3&transport=polling", 400, 5, "Unsupported protocol version")]
    public async Task InvalidRequestsGetTheProtocolErrorAnswer(string method, string query, int status, int code, string message)
    {
        await using var host = await EdgeHost.StartAsync();
        using var client = new RawPolling(host);
        using var response = await client.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), host.EngineUri(query)));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal($"{{\"code\":{code},\"message\":\"{message}\"}}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task RefusedHandshakeIsForbidden()
    {
        await using var host = await EdgeHost.StartAsync();
        using var client = new RawPolling(host);
        var request = new HttpRequestMessage(HttpMethod.Get, host.EngineUri("EIO=4&transport=polling"));
        request.Headers.Add("x-forbid", "1");
        using var response = await client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("{\"code\":4,\"message\":\"Forbidden\"}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PollingCarriesBatchedPacketsAndBase64Binary()
    {
        await using var host = await EdgeHost.StartAsync();
        using var client = new RawPolling(host);
        var (sid, _) = await client.HandshakeAsync();

        Assert.Equal("ok", await (await client.PostAsync(sid, "40")).Content.ReadAsStringAsync());
        Assert.StartsWith("40{\"sid\":", await client.PollAsync(sid));

        await client.PostAsync(sid, "421[\"echo\",\"a\"]\u001e422[\"echo\",\"b\"]");
        Assert.Equal("431[\"a\"]\u001e432[\"b\"]", await client.PollAsync(sid));

        await client.PostAsync(sid, "451-3[\"bin\",{\"_placeholder\":true,\"num\":0}]\u001ebAQID");
        Assert.Equal("461-3[{\"_placeholder\":true,\"num\":0}]\u001ebAQID", await client.PollAsync(sid));
    }

    [Fact]
    public async Task GarbagePacketClosesOnlyThatSession()
    {
        await using var host = await EdgeHost.StartAsync();
        using var client = new RawPolling(host);
        var (victim, _) = await client.HandshakeAsync();
        var (bystander, _) = await client.HandshakeAsync();

        using var answer = await client.PostAsync(victim, "9garbage");
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        using var gone = await client.GetAsync(victim);
        Assert.Equal("{\"code\":1,\"message\":\"Session ID unknown\"}", await gone.Content.ReadAsStringAsync());

        await client.PostAsync(bystander, "40");
        Assert.StartsWith("40{", await client.PollAsync(bystander));
    }

    [Fact]
    public async Task MalformedSocketIOPacketClosesTheSession()
    {
        await using var host = await EdgeHost.StartAsync();
        using var client = new RawPolling(host);
        var (sid, _) = await client.HandshakeAsync();

        await client.PostAsync(sid, "42[\"echo\"");
        using var gone = await client.GetAsync(sid);
        Assert.Equal(HttpStatusCode.BadRequest, gone.StatusCode);
    }

    [Fact]
    public async Task OversizedPostIsRefusedWith413AndTheSessionCloses()
    {
        await using var host = await EdgeHost.StartAsync();
        using var client = new RawPolling(host);
        var (sid, _) = await client.HandshakeAsync();

        using var response = await client.PostAsync(sid, "4" + new string('x', 2000));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        using var gone = await client.GetAsync(sid);
        Assert.Equal(HttpStatusCode.BadRequest, gone.StatusCode);
    }

    [Fact]
    public async Task AllowedOriginGetsCorsWithCredentials()
    {
        await using var host = await EdgeHost.StartAsync();
        using var client = new RawPolling(host);
        var preflight = new HttpRequestMessage(HttpMethod.Options, host.EngineUri("EIO=4&transport=polling"));
        preflight.Headers.Add("Origin", "http://allowed.example");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type");
        using var answer = await client.Http.SendAsync(preflight);
        Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        Assert.Equal("http://allowed.example", answer.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("true", answer.Headers.GetValues("Access-Control-Allow-Credentials").Single());
        Assert.Equal("content-type", answer.Headers.GetValues("Access-Control-Allow-Headers").Single());

        var foreign = new HttpRequestMessage(HttpMethod.Get, host.EngineUri("EIO=4&transport=polling"));
        foreign.Headers.Add("Origin", "http://evil.example");
        using var refused = await client.Http.SendAsync(foreign);
        Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));
    }
}
