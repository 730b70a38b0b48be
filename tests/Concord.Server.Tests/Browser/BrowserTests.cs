using Concord.Server.Tests.Infrastructure;
using Concord.Server.Tests.Realtime;

namespace Concord.Server.Tests.Browser;

/// <summary>
/// The whole product through its web client in headless Chromium (web/tests/*.test.mjs): the server on Kestrel with
/// PostgreSQL and Redis, as in production, serving the built client at /. Screenshots go to CONCORD_TEST_ARTIFACTS
/// (./test.sh: TestResults/browser).
/// </summary>
public sealed class BrowserTests
{
    [Fact]
    public async Task TwoUsersSignUpJoinChatPageHistoryEditDeleteMessageDirectlyAndRideOutReconnects()
    {
        using var app = new RealtimeApp(Backend.Postgres);
        await WebScenarios.RunAsync("chat.test.mjs", app);
    }

    [Fact]
    public async Task AttachmentsUploadThroughTheComposerAndMentionsAreHighlightedAndCountedForTheMentioned()
    {
        var media = Directory.CreateTempSubdirectory("concord-browser-media-").FullName;
        try
        {
            using var app = new RealtimeApp(Backend.Postgres, new Dictionary<string, string?> { ["Media:Path"] = media });
            await WebScenarios.RunAsync("messages.test.mjs", app);
        }
        finally
        {
            Directory.Delete(media, recursive: true);
        }
    }

    [Fact]
    public async Task TwoBrowsersCallInAVoiceChannelPeerToPeerAndRelayedThroughTurn()
    {
        using var app = new RealtimeApp(Backend.Postgres, new Dictionary<string, string?>
        {
            ["Calls:TurnUrls:0"] = $"turn:{TestEnvironment.Turn}?transport=udp",
            ["Calls:TurnSecret"] = TestEnvironment.TurnSecret,
        });
        await WebScenarios.RunAsync("calls.test.mjs", app);
    }
}
