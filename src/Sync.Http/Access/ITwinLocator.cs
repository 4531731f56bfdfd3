using Sync.Http.Infrastructure;

namespace Sync.Http.Access;

/// <summary>What kind of resource a route names, whose iTwin decides access.</summary>
public enum ResourceKind
{
    ITwin,
    IModel,
    Connection,
    File,
    Folder,
}

/// <summary>Where a route carries the id of the resource it acts on.</summary>
public enum IdSource
{
    Route,
    Query,

    /// <summary>A property of the JSON request body (create operations).</summary>
    Body,
}

/// <summary>
/// How a route names the iTwin it acts in: through the id of a resource (taken from the route, the query or the
/// body) whose iTwin is looked up. <see cref="NotFound"/> is the answer when the resource does not exist or the
/// caller has no role in its iTwin: the same answer, so an id never reveals that it exists.
/// </summary>
public sealed record ITwinLocator(ResourceKind Kind, IdSource Source, string Name, Func<string, ApiException> NotFound)
{
    /// <summary>Another query parameter name the id may come under (Bentley's Storage API: <c>projectId</c> or <c>iTwinId</c>).</summary>
    public string? AlternativeName { get; init; }

    public static ITwinLocator ITwin(IdSource source, string name) => new(ResourceKind.ITwin, source, name, ITwinNotFound);

    public static ITwinLocator IModel(IdSource source, string name) => new(ResourceKind.IModel, source, name, IModelNotFound);

    /// <summary>An iModel named in a create request's body: not found is a 422 with <paramref name="errorCode"/>, as the handler reports it.</summary>
    public static ITwinLocator IModelInBody(string name, string errorCode) => new(ResourceKind.IModel, IdSource.Body, name, id =>
        ApiException.Invalid(errorCode, "Cannot create the connection: the request is invalid.", new ApiErrorDetail(ErrorCodes.InvalidValue, $"iModel '{id}' does not exist.", name)));

    public static ITwinLocator Connection(string name) => new(ResourceKind.Connection, IdSource.Route, name, id =>
        ApiException.NotFound(ErrorCodes.ConnectionNotFound, $"Requested Connection '{id}' is not available."));

    public static ITwinLocator Folder(string name) => new(ResourceKind.Folder, IdSource.Route, name, id =>
        ApiException.NotFound(ErrorCodes.FolderNotFound, $"Requested folder '{id}' is not available."));

    public static ITwinLocator File(string name) => new(ResourceKind.File, IdSource.Route, name, id =>
        ApiException.NotFound(ErrorCodes.FileNotFound, $"Requested file '{id}' is not available."));

    public static ApiException ITwinNotFound(string id) => ApiException.NotFound(ErrorCodes.ITwinNotFound, $"Requested iTwin '{id}' is not available.");

    private static ApiException IModelNotFound(string id) => ApiException.NotFound(ErrorCodes.IModelNotFound, $"Requested iModel '{id}' is not available.");
}
