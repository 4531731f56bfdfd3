using Sync.Http.Infrastructure;

namespace Sync.Http.Routing;

/// <summary>
/// One operation of the API: its name (also the Azure Function's name), HTTP method and route template
/// (identical in both hosts), whether it needs a bearer token, and the handler that serves it.
/// </summary>
public sealed record ApiRoute(
    string Name,
    string Method,
    string Template,
    Func<IServiceProvider, ApiRequest, Task<ApiResult>> Handler,
    bool AllowAnonymous = false);
