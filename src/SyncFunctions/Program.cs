using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Sync.Durable;
using Sync.Http;
using Sync.Storage;
using SyncFunctions;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddSyncStorage(builder.Configuration);
builder.Services.AddSyncEngine(builder.Configuration);
builder.Services.AddSyncHttpApi(builder.Configuration, allowDevTokens: false);
builder.Services.AddSingleton<DurableProbeCache>();
builder.Services.AddScoped<DurableClientHolder>();
builder.Services.AddScoped<IDurableGateway, FunctionsDurableGateway>();
builder.Build().Run();
