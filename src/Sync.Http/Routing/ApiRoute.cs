using Sync.Engine.Model;
using Sync.Http.Access;
using Sync.Http.Infrastructure;

namespace Sync.Http.Routing;

/// <summary>
/// One operation of the API: its name (also the Azure Function's name), HTTP method and route template
/// (identical in both hosts), the handler that serves it, and what access it needs: a bearer token unless
/// <paramref name="AllowAnonymous"/>, and a role in the iTwin that <paramref name="Scope"/> finds (null: the route
/// acts on the caller alone, such as listing their iTwins). Every route states its scope, so none is forgotten.
/// </summary>
/// <param name="Requires">The role needed; by default Reader for GET, Owner for DELETE, Member otherwise.</param>
/// <param name="Answer">The type of the success answer's JSON, when there is one: the OpenAPI document describes it.</param>
/// <param name="RepresentationAnswer">The answer's type under <c>Prefer: return=representation</c>, when it differs.</param>
/// <param name="Body">The request body the operation reads, if any.</param>
/// <param name="Produces">The media type of a success answer that is not JSON (downloads).</param>
public sealed record ApiRoute(
    string Name,
    string Method,
    string Template,
    Func<IServiceProvider, ApiRequest, Task<ApiResult>> Handler,
    ITwinLocator? Scope,
    bool AllowAnonymous = false,
    Role? Requires = null,
    Type? Answer = null,
    Type? RepresentationAnswer = null,
    ApiBody? Body = null,
    string? Produces = null)
{
    public Role RequiredRole => Requires ?? Method switch
    {
        "GET" => Role.Reader,
        "DELETE" => Role.Owner,
        _ => Role.Member,
    };
}
