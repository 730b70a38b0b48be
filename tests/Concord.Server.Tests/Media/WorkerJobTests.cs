using System.Net;
using System.Text.Json;
using Concord.Server.Realtime;
using Concord.Server.Tests.Infrastructure;
using Concord.Server.Tests.Messages;
using Concord.Server.Tests.Servers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Concord.Server.Tests.Media;

/// <summary>A media app whose real-time events are recorded, so the workers' events can be awaited.</summary>
public class JobsApp(Backend backend, IDictionary<string, string?>? extra = null) : MediaApp(backend, extra)
{
    public RecordingRealtimeEvents Events => Services.GetRequiredService<RecordingRealtimeEvents>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<RecordingRealtimeEvents>();
            services.RemoveAll<IRealtimeEvents>();
            services.AddSingleton<IRealtimeEvents>(sp => sp.GetRequiredService<RecordingRealtimeEvents>());
        });
    }

    /// <summary>The first published event matching, waiting for it (bounded): workers run after the answer.</summary>
    public async Task<RealtimeCall> EventAsync(Func<RealtimeCall, bool> match)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            if (Events.Calls.FirstOrDefault(c => c.Kind == "publish" && match(c)) is { } call) return call;
            await Task.Delay(20, timeout.Token); // the recorder has no signal to await; polling with a deadline
        }
    }
}

/// <summary>Jobs in-process on SQLite: the embedded shape.</summary>
public sealed class InProcessJobsApp() : JobsApp(Backend.Sqlite);
/// <summary>Jobs through the real RabbitMQ on PostgreSQL: the fleet shape.</summary>
public sealed class RabbitMqJobsApp() : JobsApp(Backend.Postgres, new Dictionary<string, string?>
{
    ["RabbitMQ:ConnectionString"] = TestEnvironment.RabbitMq,
    ["RabbitMQ:QueuePrefix"] = $"app{Guid.NewGuid():N}.",
});

public abstract class WorkerJobTests(JobsApp app)
{
    [Fact]
    public async Task AnImageAttachmentGetsTwoWebPPreviewsAndAPlaceholderAfterTheAnswer()
    {
        var chat = await app.CreateChatAsync();
        var upload = await (await chat.Member.UploadAsync(Uploads.Jpeg(2000, 1000), "wide.jpg")).JsonAsync();
        var id = upload.GetProperty("id").GetString()!;
        var sent = await chat.Member.PostAsync(chat.Messages, new { content = "look", attachments = new[] { id } });
        await sent.AssertStatusAsync(HttpStatusCode.Created);
        var messageId = (await sent.JsonAsync()).GetProperty("id").GetString();

        var processed = (await app.EventAsync(c => c.Event == "attachment-processed" && c.Room == $"channel:{chat.ChannelId}"
            && c.Payload!.Value.GetProperty("messageId").GetString() == messageId)).Payload!.Value;
        var attachment = processed.GetProperty("attachment");
        Assert.Equal(id, attachment.GetProperty("id").GetString());
        Assert.StartsWith("data:image/webp;base64,", attachment.GetProperty("placeholder").GetString());
        var previews = attachment.GetProperty("previews").EnumerateArray().ToDictionary(p => p.GetProperty("size").GetString()!);
        Assert.Equal((256, 128), (previews["small"].GetProperty("width").GetInt32(), previews["small"].GetProperty("height").GetInt32()));
        Assert.Equal((1024, 512), (previews["large"].GetProperty("width").GetInt32(), previews["large"].GetProperty("height").GetInt32()));

        var small = await app.CreateClient().GetAsync(previews["small"].GetProperty("url").GetString());
        await small.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal("image/webp", small.Content.Headers.ContentType?.MediaType);
        using var decoded = NetVips.Image.NewFromBuffer(await small.Content.ReadAsByteArrayAsync());
        Assert.Equal((256, 128), (decoded.Width, decoded.Height));

        var page = (await (await chat.Owner.GetAsync(chat.Messages)).JsonAsync())[0];
        Assert.Equal(2, page.GetProperty("attachments")[0].GetProperty("previews").GetArrayLength());
    }

    [Fact]
    public async Task AMentionCountsAndNotifiesOnlyMentionedMembers()
    {
        var chat = await app.CreateChatAsync();
        var content = $"hey <@{chat.Admin.Id}>, <@{chat.Outsider.Id}> and me <@{chat.Member.Id}>";
        await (await chat.Member.PostAsync(chat.Messages, new { content })).AssertStatusAsync(HttpStatusCode.Created);
        var first = await app.EventAsync(c => c.Event == "mention" && c.Room == $"user:{chat.Admin.Id}");
        Assert.Equal(1, first.Payload!.Value.GetProperty("unreadMentions").GetInt32());
        Assert.Equal(chat.Member.Id, first.Payload.Value.GetProperty("authorId").GetString());

        await (await chat.Owner.PostAsync(chat.Messages, new { content = $"<@{chat.Admin.Id}> again" })).AssertStatusAsync(HttpStatusCode.Created);
        await app.EventAsync(c => c.Event == "mention" && c.Room == $"user:{chat.Admin.Id}" && c.Payload!.Value.GetProperty("unreadMentions").GetInt32() == 2);
        // The outsider is not a member and the author does not mention themself: the jobs above ran, and told neither.
        Assert.DoesNotContain(app.Events.Calls, c => c.Event == "mention" && (c.Room == $"user:{chat.Outsider.Id}" || c.Room == $"user:{chat.Member.Id}"));

        var counts = await (await chat.Admin.GetAsync("/api/mentions")).JsonAsync();
        var here = counts.EnumerateArray().Single(c => c.GetProperty("channelId").GetString() == chat.ChannelId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(2, here.GetProperty("count").GetInt32());
        await (await chat.Admin.DeleteAsync($"/api/channels/{chat.ChannelId}/mentions")).AssertStatusAsync(HttpStatusCode.NoContent);
        Assert.Equal(0, (await (await chat.Admin.GetAsync("/api/mentions")).JsonAsync()).GetArrayLength());
    }
}

public sealed class InProcessWorkerJobTests(InProcessJobsApp app) : WorkerJobTests(app), IClassFixture<InProcessJobsApp>;
public sealed class RabbitMqWorkerJobTests(RabbitMqJobsApp app) : WorkerJobTests(app), IClassFixture<RabbitMqJobsApp>;
