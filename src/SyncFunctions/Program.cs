using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Sync.Durable;
using Sync.Durable.Runs;
using Sync.Http;
using Sync.Storage;
using SyncFunctions;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddSyncStorage(builder.Configuration);
builder.Services.AddSyncEngine(builder.Configuration);
builder.Services.AddSingleton(_ => new SourceDownloader(new HttpClient { Timeout = TimeSpan.FromMinutes(30) }));
builder.Services.AddSyncHttpApi(builder.Configuration, allowDevTokens: false);
builder.Services.AddSingleton<DurableProbeCache>();
builder.Services.AddScoped<DurableClientHolder>();
builder.Services.AddScoped<IDurableGateway, FunctionsDurableGateway>();
builder.Build().Run();
