using Concord.Server.Features.Auth;
using Concord.Server.Features.Messages;
using Concord.Server.Features.Servers;
using Concord.Server.Features.Calls;
using Concord.Server.Infrastructure.Auth;
using Concord.Server.Infrastructure.Caching;
using Concord.Server.Infrastructure.Data;
using Concord.Server.Infrastructure.Errors;
using Concord.Server.Infrastructure.Hosting;
using Concord.Server.Infrastructure.Ids;
using Concord.Server.Infrastructure.Observability;
using Concord.Server.Infrastructure.RateLimiting;
using Concord.Server.Infrastructure.Redis;
using Concord.Server.Infrastructure.Security;
using Concord.Server.Infrastructure.Validation;
using Concord.Server.Permissions;
using Concord.Server.Realtime;

var builder = WebApplication.CreateBuilder(args);

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
builder.AddConcordMessaging();
builder.AddConcordCalls();
builder.Services.AddOpenApi();
builder.Services.AddScoped<ServerAccess>();
builder.AddConcordRealtime();

var app = builder.Build();

app.UseConcordForwardedHeaders();
app.UseNodeName();
app.UseDrain();
app.UseConcordErrors();
app.UseSecurityHeaders();
app.UseRequestLimits();
app.UseRouting();
app.UseRequestLogging();
app.UseConcordMetrics();
app.UseCors(SecurityExtensions.CorsPolicy);
app.UseAuthentication();
app.UseCsrfProtection();
app.UseAuthorization();
app.UseRateLimiter();

app.MapConcordHealth();
if (roles.HasFlag(NodeRoles.Api))
{
    app.MapOpenApi();
    app.MapAuthEndpoints();
    app.MapMessagingEndpoints();
    app.MapServerEndpoints();
    app.MapCallEndpoints();
}
if (roles.HasFlag(NodeRoles.Gateway)) app.MapConcordRealtime();

await app.MigrateConcordDatabaseAsync();
await app.RunAsync();

/// <summary>Entry point; public so the test host can reference it.</summary>
public partial class Program;
