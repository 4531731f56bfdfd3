using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Sync.Engine.Stores;
using Sync.Http.Access;
using Sync.Http.Auth;
using Sync.Http.Infrastructure;

namespace Sync.Http.Routing;

/// <summary>
/// Runs one route for either host: authenticates, checks the token's scope, the caller's request rate, the caller's
/// role in the route's iTwin (<see cref="AccessControl"/>) and that iTwin's request rate, calls the handler, turns
/// every failure into the API's error JSON, and adds the CORS headers the request's origin earns. Nothing escapes
/// as a framework error page or a stack trace.
/// </summary>
public sealed class ApiDispatcher(TokenService tokens, AccessControl access, ApiRateLimits limits, ApiCors cors, ILogger<ApiDispatcher> logger)
{
    /// <param name="requestServices">The invocation's service scope (handlers are scoped).</param>
    public async Task<ApiResult> InvokeAsync(ApiRoute route, HttpRequest request, IReadOnlyDictionary<string, string?> routeValues, IServiceProvider requestServices)
    {
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(request);
        var result = await InvokeRouteAsync(route, request, routeValues, requestServices);
        cors.Apply(request.HttpContext);
        return result;
    }

    private async Task<ApiResult> InvokeRouteAsync(ApiRoute route, HttpRequest request, IReadOnlyDictionary<string, string?> routeValues, IServiceProvider requestServices)
    {
        try
        {
            Caller? caller = null;
            AccessGrant? grant = null;
            if (!route.AllowAnonymous)
            {
                caller = await tokens.AuthenticateAsync(request.Headers.Authorization.ToString());
                tokens.RequireScope(caller, route.Method);
                limits.AcquireForCaller(caller.UserId);
                grant = await access.AuthorizeAsync(route, request, routeValues, caller);
                if (grant is not null)
                {
                    limits.AcquireForITwin(grant.ITwinId);
                }
            }

            return await route.Handler(requestServices, new ApiRequest(request, routeValues, caller, grant));
        }
        catch (ApiException e)
        {
            return ApiResult.Error(e);
        }
        catch (IModelDeletedException e)
        {
            // Found by a tip read of an iModel whose record a handler did not read (IModelsApi.ExistingIdAsync).
            return ApiResult.Error(HttpStatusCode.NotFound, ErrorCodes.IModelNotFound, $"Requested iModel '{e.IModelId}' is not available.");
        }
        catch (ConnectionDeletedException e)
        {
            // Found by a client's run read that did not read the connection (RunsApi).
            return ApiResult.Error(HttpStatusCode.NotFound, ErrorCodes.ConnectionNotFound, $"Requested Connection '{e.ConnectionId}' is not available.");
        }
        catch (ContentTooLargeException e)
        {
            return ApiResult.Error(HttpStatusCode.RequestEntityTooLarge, ErrorCodes.RequestBodyTooLarge, e.Message);
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's own limits and malformed transfers (e.g. a body shorter than its Content-Length).
            return ApiResult.Error((HttpStatusCode)e.StatusCode, e.StatusCode == 413 ? ErrorCodes.RequestBodyTooLarge : "BadRequest", e.Message);
        }
        catch (OperationCanceledException) when (request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody reads this answer.
            return ApiResult.Error((HttpStatusCode)499, "ClientClosedRequest", "The client closed the request.");
        }
        catch (Exception e)
        {
            logger.LogError(e, "Unhandled error in {Route} ({TraceId})", route.Name, request.HttpContext.TraceIdentifier);
            return ApiResult.Error(
                HttpStatusCode.InternalServerError,
                ErrorCodes.InternalServerError,
                $"An unexpected error occurred. Reference: {request.HttpContext.TraceIdentifier}.");
        }
    }
}
