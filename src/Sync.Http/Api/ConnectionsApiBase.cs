using Sync.Engine.Model;
using Sync.Engine.Runs;
using Sync.Engine.Stores;
using Sync.Http.Access;
using Sync.Http.Infrastructure;

namespace Sync.Http.Api;

/// <summary>
/// What storage and manifest connections share: create/list/get/update/delete of the connection and of its
/// source files. A subclass says how its source files are read from a request and presented.
/// </summary>
public abstract class ConnectionsApiBase(IIModelStore iModels, IConnectionStore connections, ConnectionRemoval removal, AccessControl access)
{
    protected IConnectionStore Connections { get; } = connections;

    protected abstract ConnectionKind Kind { get; }

    /// <summary>The path segment used in links, in the route's own casing (clients compare it): storageConnections or manifestConnections.</summary>
    protected abstract string Segment { get; }

    protected abstract string ConnectionErrorCode { get; }

    private const string IsSpatialRootName = "isSpatialRoot";

    private const string OneSpatialRoot = "Another source file of this connection is already its spatial root; a connection has at most one.";

    protected abstract string SourceFileErrorCode { get; }

    protected abstract string SourceFileNotFoundCode { get; }

    /// <summary>Reads one source file from a body (the create item or the sourcefile request); null when invalid.</summary>
    protected abstract Task<SourceFile?> ReadSourceFileAsync(JsonBody body, Connection connection, Guid sourceFileId, CancellationToken cancellationToken);

    /// <summary>One source file as answered: <c>{ sourceFile }</c>.</summary>
    protected abstract object SourceFileAnswer(ApiRequest request, SourceFile file);

    /// <summary>A page of source files as answered: <c>{ sourceFiles, _links }</c>, short unless <paramref name="representation"/>.</summary>
    protected abstract object SourceFilesAnswer(ApiRequest request, IEnumerable<SourceFile> page, PageLinks links, bool representation);

    public async Task<ApiResult> CreateAsync(ApiRequest request)
    {
        var body = await JsonBody.ReadAsync(request.Http, ConnectionErrorCode, request.Aborted);
        Guid? iModelId = body.RequiredGuid("iModelId");
        string? displayName = body.OptionalString("displayName", maxLength: 255);
        var authentication = ReadAuthenticationType(body) ?? AuthenticationType.User;
        var items = body.RequiredObjectArray("sourceFiles", Connections.MaxSourceFilesPerCreate);
        IModel? iModel = null;
        if (iModelId is not null)
        {
            iModel = await iModels.GetAsync(iModelId.Value, request.Aborted);
            if (iModel is null)
            {
                body.Problem(ErrorCodes.InvalidValue, $"iModel '{iModelId}' does not exist.", "iModelId");
            }
        }

        // Source files are checked against the iModel's iTwin, so only once the iModel is known; every
        // problem found is reported in one answer.
        var connection = iModel is null
            ? null
            : new Connection(ScopedId.New(iModel.Id), Kind, iModel.Id, iModel.ITwinId, displayName, authentication, null, DateTimeOffset.UtcNow, OwnerId: request.RequiredCaller.UserId);
        var files = new List<SourceFile>();
        foreach (var item in connection is null ? [] : items ?? [])
        {
            var file = await ReadSourceFileWithRootAsync(item, connection!, Guid.NewGuid(), false, request.Aborted);
            if (file is null)
            {
                continue;
            }

            if (files.Any(f => f.ExternalId == file.ExternalId))
            {
                item.Problem(ErrorCodes.InvalidValue, $"'{file.ExternalId}' appears more than once in this request.", ExternalIdName);
                continue;
            }

            if (file.IsSpatialRoot && files.Any(f => f.IsSpatialRoot))
            {
                item.Problem(ErrorCodes.InvalidValue, OneSpatialRoot, IsSpatialRootName);
                continue;
            }

            files.Add(file);
        }

        body.ThrowIfInvalid("Cannot create the connection: the request is invalid.");
        try
        {
            await Connections.CreateAsync(connection!, files, request.Aborted);
        }
        catch (StoreConflictException)
        {
            throw ApiException.Conflict(ErrorCodes.SourceFileAlreadyMapped, "One or more SourceFiles are already mapped to the iModel.");
        }

        return ApiResult.Created(new ConnectionAnswer(Present(request, connection!)), Self(request, connection!.Id));
    }

    public async Task<ApiResult> ListAsync(ApiRequest request)
    {
        var paging = Paging.Parse(request.Http.Query, ConnectionErrorCode);
        Guid iModelId = IModelsApi.QueryGuid(request, "iModelId", ConnectionErrorCode);
        var all = await Connections.ListByIModelAsync(iModelId, Kind, request.Aborted);
        return ApiResult.Ok(ConnectionsApi.Page(request, paging, all));
    }

    public async Task<ApiResult> GetAsync(ApiRequest request)
    {
        var connection = await FindAsync(request);
        return ApiResult.Ok(new ConnectionAnswer(Present(request, connection)));
    }

    /// <summary>
    /// Changes displayName and/or authenticationType; the iModel cannot change, source files have their own operations.
    /// A connection whose owner is unknown (from before owners were recorded) or no longer a Member of its iTwin
    /// becomes the caller's: User connections run on their owner's behalf.
    /// </summary>
    public async Task<ApiResult> UpdateAsync(ApiRequest request)
    {
        var existing = await FindAsync(request);
        var body = await JsonBody.ReadAsync(request.Http, ConnectionErrorCode, request.Aborted);
        string? displayName = body.OptionalString("displayName", maxLength: 255);
        var authentication = ReadAuthenticationType(body);
        if (body.Has("iModelId"))
        {
            Guid? iModelId = body.RequiredGuid("iModelId");
            if (iModelId is not null && iModelId != existing.IModelId)
            {
                body.Problem(ErrorCodes.InvalidValue, "The iModel of a connection cannot be changed.", "iModelId");
            }
        }

        body.ThrowIfInvalid("Cannot update the connection: the request is invalid.");
        bool setName = body.Has("displayName");
        string? owner = existing.OwnerId;
        if (owner is null || await access.RoleAsync(existing.ITwinId, owner, request.Aborted) is not (Role.Member or Role.Owner))
        {
            owner = request.RequiredCaller.UserId;
        }

        var updated = await Connections.UpdateAsync(
            existing.Id,
            c => c with
            {
                DisplayName = setName ? displayName : c.DisplayName,
                AuthenticationType = authentication ?? c.AuthenticationType,
                OwnerId = owner,
            },
            request.Aborted) ?? throw NotFound(existing.Id);
        return ApiResult.Ok(new ConnectionAnswer(Present(request, updated)));
    }

    public async Task<ApiResult> DeleteAsync(ApiRequest request)
    {
        var connection = await FindAsync(request);
        return await removal.DeleteAsync(connection.Id, request.Aborted) ? ApiResult.NoContent() : throw NotFound(connection.Id);
    }

    public async Task<ApiResult> AddSourceFileAsync(ApiRequest request)
    {
        var connection = await FindAsync(request);
        var body = await JsonBody.ReadAsync(request.Http, SourceFileErrorCode, request.Aborted);
        var file = await ReadSourceFileWithRootAsync(body, connection, Guid.NewGuid(), false, request.Aborted);
        await CheckOneSpatialRootAsync(body, file, request.Aborted);
        body.ThrowIfInvalid("Cannot add the source file: the request is invalid.");
        try
        {
            await Connections.AddSourceFileAsync(file!, request.Aborted);
        }
        catch (StoreConflictException)
        {
            throw ApiException.Conflict(ErrorCodes.SourceFileAlreadyMapped, "The SourceFile is already mapped to the iModel.");
        }

        return ApiResult.Created(SourceFileAnswer(request, file!), SourceFileSelf(request, file!));
    }

    /// <summary>A source file with its <c>isSpatialRoot</c> (absent: <paramref name="spatialRootWhenAbsent"/>).</summary>
    private async Task<SourceFile?> ReadSourceFileWithRootAsync(JsonBody body, Connection connection, Guid sourceFileId, bool spatialRootWhenAbsent, CancellationToken cancellationToken)
    {
        bool isSpatialRoot = body.OptionalBool(IsSpatialRootName) ?? spatialRootWhenAbsent;
        var file = await ReadSourceFileAsync(body, connection, sourceFileId, cancellationToken);
        return file is null ? null : file with { IsSpatialRoot = isSpatialRoot };
    }

    /// <summary>A connection has at most one spatial root: its coordinate system is the iModel's.</summary>
    private async Task CheckOneSpatialRootAsync(JsonBody body, SourceFile? file, CancellationToken cancellationToken)
    {
        if (file is { IsSpatialRoot: true }
            && (await Connections.ListSourceFilesAsync(file.ConnectionId, cancellationToken)).Any(f => f.IsSpatialRoot && f.Id != file.Id))
        {
            body.Problem(ErrorCodes.InvalidValue, OneSpatialRoot, IsSpatialRootName);
        }
    }

    public async Task<ApiResult> ListSourceFilesAsync(ApiRequest request)
    {
        var connection = await FindAsync(request);
        var paging = Paging.Parse(request.Http.Query, SourceFileErrorCode);
        var all = await Connections.ListSourceFilesAsync(connection.Id, request.Aborted);
        return ApiResult.Ok(SourceFilesAnswer(request, paging.Apply(all), paging.Links(request, all.Count), request.WantsRepresentation));
    }

    public async Task<ApiResult> GetSourceFileAsync(ApiRequest request)
    {
        var connection = await FindAsync(request);
        var file = await FindSourceFileAsync(request, connection);
        return ApiResult.Ok(SourceFileAnswer(request, file));
    }

    public async Task<ApiResult> UpdateSourceFileAsync(ApiRequest request)
    {
        var connection = await FindAsync(request);
        var existing = await FindSourceFileAsync(request, connection);
        var body = await JsonBody.ReadAsync(request.Http, SourceFileErrorCode, request.Aborted);
        var file = await ReadSourceFileWithRootAsync(body, connection, existing.Id, existing.IsSpatialRoot, request.Aborted);
        await CheckOneSpatialRootAsync(body, file, request.Aborted);
        body.ThrowIfInvalid("Cannot update the source file: the request is invalid.");
        SourceFile? updated;
        try
        {
            updated = await Connections.UpdateSourceFileAsync(file!, request.Aborted);
        }
        catch (StoreConflictException e)
        {
            throw e.Reason == ConflictReason.AlreadyExists
                ? ApiException.Conflict(ErrorCodes.SourceFileAlreadyMapped, "The SourceFile is already mapped to the iModel.")
                : ApiException.Conflict(ErrorCodes.ConcurrentModification, e.Message);
        }

        return updated is null
            ? throw SourceFileNotFound(existing.Id.ToString("D"))
            : ApiResult.Ok(SourceFileAnswer(request, updated));
    }

    public async Task<ApiResult> RemoveSourceFileAsync(ApiRequest request)
    {
        var connection = await FindAsync(request);
        var file = await FindSourceFileAsync(request, connection);
        return await Connections.RemoveSourceFileAsync(connection.Id, file.Id, request.Aborted)
            ? ApiResult.NoContent()
            : throw SourceFileNotFound(file.Id.ToString("D"));
    }

    /// <summary>The name of the field that identifies a source file in requests (storageFileId or sourceFileId).</summary>
    protected abstract string ExternalIdName { get; }

    protected string SourceFileSelf(ApiRequest request, SourceFile file) =>
        request.Url($"/synchronization/imodels/{Segment}/{file.ConnectionId}/sourcefiles/{file.Id:D}");

    private string Self(ApiRequest request, string connectionId) => request.Url($"/synchronization/imodels/{Segment}/{connectionId}");

    private static ConnectionView Present(ApiRequest request, Connection c) => ConnectionsApi.Present(request, c);

    private async Task<Connection> FindAsync(ApiRequest request)
    {
        string id = request.Route("connectionId");
        var connection = await Connections.GetAsync(id, request.Aborted);
        return connection is not null && connection.Kind == Kind ? connection : throw NotFound(id);
    }

    private async Task<SourceFile> FindSourceFileAsync(ApiRequest request, Connection connection)
    {
        string id = request.Route("sourceFileId");
        var file = Guid.TryParse(id, out Guid guid) ? await Connections.GetSourceFileAsync(connection.Id, guid, request.Aborted) : null;
        return file ?? throw SourceFileNotFound(id);
    }

    private ApiException SourceFileNotFound(string id) =>
        ApiException.NotFound(SourceFileNotFoundCode, $"Requested source file '{id}' is not available.");

    private static ApiException NotFound(string id) =>
        ApiException.NotFound(ErrorCodes.ConnectionNotFound, $"Requested Connection '{id}' is not available.");

    private static AuthenticationType? ReadAuthenticationType(JsonBody body)
    {
        string? value = body.OptionalChoice("authenticationType", [nameof(AuthenticationType.User), nameof(AuthenticationType.Service)]);
        return value is null ? null : Enum.Parse<AuthenticationType>(value);
    }
}
