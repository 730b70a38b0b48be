using Concord.Server.Features.Auth;
using Concord.Server.Features.Media;
using Concord.Server.Features.Members;
using Concord.Server.Features.Mentions;
using Concord.Server.Features.Messages;
using Concord.Server.Features.Servers;
using Concord.Server.Features.Calls;
using Concord.Server.Features.Users;
using Concord.Server.Infrastructure.Auth;
using Concord.Server.Infrastructure.Caching;
using Concord.Server.Infrastructure.Data;
using Concord.Server.Infrastructure.Errors;
using Concord.Server.Infrastructure.Hosting;
using Concord.Server.Infrastructure.Ids;
using Concord.Server.Infrastructure.Observability;
using Concord.Server.Infrastructure.Queue;
using Concord.Server.Infrastructure.OpenApi;
using Concord.Server.Infrastructure.RateLimiting;
using Concord.Server.Infrastructure.Redis;
using Concord.Server.Infrastructure.Security;
using Concord.Server.Infrastructure.Validation;
using Concord.Server.Infrastructure.WebClient;
using Concord.Server.Permissions;
using Concord.Server.Realtime;

if (await HealthProbe.RunIfRequestedAsync(args) is { } probeExitCode) return probeExitCode;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = LoggingExtensions.ContentRoot(args) });

// Concord:Roles picks what this process serves (api, gateway, worker; default all): docs/operations.md.
var roles = builder.AddConcordRoles();
builder.AddConcordLogging();
builder.AddConcordErrors();
builder.AddConcordRequestLimits();
builder.AddConcordIds();
builder.AddConcordData();
builder.AddConcordRedis();
builder.AddConcordCache();
builder.AddConcordAuth();
builder.AddConcordSecurity();
builder.AddConcordValidation();
builder.AddConcordRateLimiting();
builder.AddConcordJobs(roles);
builder.AddConcordMedia(roles);
builder.AddConcordMessaging();
builder.AddConcordCalls();
builder.AddConcordOpenApi();
builder.AddConcordMetrics();
builder.AddConcordTracing();
builder.Services.AddScoped<ServerAccess>();
builder.Services.AddScoped<ConversationAccess>();
builder.Services.AddScoped<Memberships>();
builder.Services.AddScoped<UserIdentities>();
builder.Services.AddScoped<AccountRevocation>();
builder.AddConcordRealtime();

var app = builder.Build();

app.UseConcordForwardedHeaders();
app.UseNodeName();
app.UseRequestObservation();
app.UseDrain();
app.UseConcordErrors();
app.UseSecurityHeaders();
app.UseRequestLimits();
if (roles.HasFlag(NodeRoles.Api)) app.UseConcordWebClient(); // the web client comes with the API
app.UseRouting();
app.UseRequestCapture();
app.UseUserTextChecks();
app.UseCors(SecurityExtensions.CorsPolicy);
app.UseAuthentication();
app.UseRequestCapture();
app.UseCsrfProtection();
app.UseAuthorization();
app.UseRateLimiter();

app.MapConcordHealth();
app.MapConcordMetrics();
if (roles.HasFlag(NodeRoles.Api))
{
    app.MapConcordOpenApi();
    app.MapAuthEndpoints();
    app.MapMessagingEndpoints();
    app.MapMediaEndpoints();
    app.MapMentionEndpoints();
    app.MapServerEndpoints();
    app.MapCallEndpoints();
}
if (roles.HasFlag(NodeRoles.Gateway)) app.MapConcordRealtime();

await app.MigrateConcordDatabaseAsync();
await app.RunAsync();
return 0;

/// <summary>Entry point; public so the test host can reference it.</summary>
public partial class Program;
