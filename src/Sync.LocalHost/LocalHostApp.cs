using System.Net;
using Microsoft.AspNetCore.Diagnostics;
using Scalar.AspNetCore;
using Sync.Durable;
using Sync.Durable.Downloads;
using Sync.Durable.Runs;
using Sync.Http;
using Sync.Http.Auth;
using Sync.Http.Infrastructure;
using Sync.Http.Routing;
using Sync.LocalHost.Durable;
using Sync.Storage;

namespace Sync.LocalHost;

/// <summary>
/// The local host: the API on Kestrel (default http://127.0.0.1:7071) plus the embedded durable runtime, on
/// Azurite. Built here rather than in Program so tests can start and stop it in-process.
/// </summary>
public static class LocalHostApp
{
    /// <param name="logging">More log destinations (tests read what the host logs).</param>
    public static WebApplication Build(string[] args, Action<ILoggingBuilder>? logging = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        logging?.Invoke(builder.Logging);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Storage uploads stream to blobs with their own size limit; JSON bodies have theirs (JsonBody).
            kestrel.Limits.MaxRequestBodySize = null;
        });
        builder.Host.ConfigureHostOptions(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));

        var services = builder.Services;
        services.AddSyncStorage(builder.Configuration);
        services.AddSyncEngine(builder.Configuration);
        var downloads = builder.Configuration.GetSection(DownloadOptions.Section).Get<DownloadOptions>() ?? new DownloadOptions();
        downloads.AllowHttp |= builder.Environment.IsDevelopment();
        services.AddSingleton(_ => SourceDownloader.Create(downloads));
        services.AddSyncHttpApi(builder.Configuration, allowDevTokens: builder.Environment.IsDevelopment());
        services.AddSingleton(builder.Configuration.GetSection(LocalDurableOptions.Section).Get<LocalDurableOptions>() ?? new LocalDurableOptions());
        services.AddSingleton<LocalDurableRuntime>();
        services.AddSingleton<IDurableGateway>(sp => sp.GetRequiredService<LocalDurableRuntime>());
        services.AddHostedService(sp => sp.GetRequiredService<LocalDurableRuntime>());
        services.AddHostedService<DirectWriteScanner>();
        services.AddHostedService<AzuriteBlobCors>();

        var app = builder.Build();
        app.UseExceptionHandler(error => error.Run(async context =>
        {
            var failure = context.Features.Get<IExceptionHandlerFeature>()?.Error;
            app.Logger.LogError(failure, "Unhandled error outside the API dispatcher");
            await ApiResult.Error(HttpStatusCode.InternalServerError, ErrorCodes.InternalServerError, "An unexpected error occurred.").ExecuteAsync(context);
        }));
        app.UseStatusCodePages(async pages =>
        {
            // Only framework answers without a body get here: unknown routes and unsupported methods.
            var context = pages.HttpContext;
            if (context.Response.StatusCode == 405 && context.Response.Headers.Allow.ToString() == HttpMethods.Options)
            {
                // Only the catch-all preflight route matched the path: no resource lives there.
                context.Response.StatusCode = 404;
                context.Response.Headers.Remove("Allow");
            }

            var result = context.Response.StatusCode switch
            {
                404 => ApiResult.Error(HttpStatusCode.NotFound, ErrorCodes.NotFound, $"No resource at '{context.Request.Path}'."),
                405 => ApiResult.Error(HttpStatusCode.MethodNotAllowed, ErrorCodes.MethodNotAllowed, $"'{context.Request.Method}' is not supported on '{context.Request.Path}'."),
                int status => ApiResult.Error((HttpStatusCode)status, "HttpError", $"The request failed with status {status}."),
            };
            await result.ExecuteAsync(context);
        });

        foreach (var route in ApiRoutes.All)
        {
            app.MapMethods("/" + route.Template, [route.Method], (HttpContext context, ApiDispatcher dispatcher) =>
                dispatcher.InvokeAsync(route, context.Request, context.Request.RouteValues.ToDictionary(v => v.Key, v => v.Value?.ToString()), context.RequestServices));
        }

        // The API reference page over /openapi.json, its script served from the package (no CDN).
        app.MapScalarApiReference("/docs", options => options.WithOpenApiRoutePattern("/openapi.json").WithTitle("SyncFunctions API"));

        if (app.Environment.IsDevelopment())
        {
            app.MapPost("/dev/token", DevTokenEndpoint.IssueAsync);
        }

        return app;
    }
}
