using Sync.Engine.Changes;
using Sync.Engine.Model;
using Sync.Engine.Runs;
using Sync.Engine.Stores;
using Sync.Http.Infrastructure;

namespace Sync.Http.Api;

/// <summary>Our iModels API: the models that connections write into.</summary>
public sealed class IModelsApi(IIModelStore iModels, IConnectionStore connections, ConnectionRemoval removal, SyncStateReader states, IChangesetLog log, DeletedIModelPurge purge)
{
    public async Task<ApiResult> CreateAsync(ApiRequest request)
    {
        var body = await JsonBody.ReadAsync(request.Http, ErrorCodes.InvalidIModelRequest, request.Aborted);
        Guid? iTwinId = body.RequiredGuid("iTwinId");
        string? name = body.RequiredString("name", maxLength: 255);
        string? description = body.OptionalString("description", maxLength: 1024);
        body.ThrowIfInvalid("Cannot create the iModel: the request is invalid.");

        var iModel = new IModel(Guid.NewGuid(), iTwinId!.Value, name!.Trim(), description, DateTimeOffset.UtcNow);
        await iModels.CreateAsync(iModel, request.Aborted);
        return ApiResult.Created(new IModelAnswer(Present(request, iModel)), Self(request, iModel.Id));
    }

    public async Task<ApiResult> ListAsync(ApiRequest request)
    {
        var paging = Paging.Parse(request.Http.Query, ErrorCodes.InvalidIModelRequest);
        Guid iTwinId = QueryGuid(request, "iTwinId", ErrorCodes.InvalidIModelRequest);
        var all = await iModels.ListByITwinAsync(iTwinId, request.Aborted);
        var page = paging.Apply(all);
        var links = paging.Links(request, all.Count);
        return ApiResult.Ok(request.WantsRepresentation
            ? (object)new IModelsRepresentationAnswer(page.Select(m => Present(request, m)).ToList(), links)
            : new IModelsAnswer(page.Select(m => new IModelSummary(m.Id, m.Name)).ToList(), links));
    }

    /// <summary>
    /// One iModel, with its georeference and extents as of its last commit (ours). Its record may come from memory
    /// (records never change); the tip read for its georeference says whether it still exists (ADR 0018).
    /// </summary>
    public async Task<ApiResult> GetAsync(ApiRequest request)
    {
        var iModel = (request.Access is { } access && Guid.TryParse(request.Route("imodelId"), out Guid id)
            ? await iModels.GetRecordAsync(access.ITwinId, id, request.Aborted)
            : null) ?? await FindAsync(request);
        var georeference = (await states.CurrentAsync(iModel.Id, request.Aborted)).Georeference();
        return ApiResult.Ok(new IModelAnswer(Present(request, iModel, georeference)));
    }

    /// <summary>
    /// Deletes the iModel and every connection that writes into it. Its history is closed first, so reads that know
    /// the iModel only by its tip (<see cref="ExistingIdAsync"/>) see it gone; then what it left in storage is purged
    /// (all but the close); its record goes last, so an interrupted delete is finished by repeating it.
    /// </summary>
    public async Task<ApiResult> DeleteAsync(ApiRequest request)
    {
        var iModel = await FindAsync(request);
        foreach (var connection in await connections.ListByIModelAsync(iModel.Id, kind: null, request.Aborted))
        {
            await removal.DeleteAsync(connection.Id, request.Aborted);
        }

        await log.CloseAsync(iModel.Id, request.Aborted);
        await purge.PurgeAsync(iModel.Id, request.Aborted);
        await iModels.DeleteAsync(iModel.Id, request.Aborted);
        return ApiResult.NoContent();
    }

    /// <summary>A required GUID query parameter; 422 naming it when missing or malformed.</summary>
    internal static Guid QueryGuid(ApiRequest request, string name, string errorCode)
    {
        string? text = request.Query(name);
        if (string.IsNullOrEmpty(text))
        {
            throw ApiException.Invalid(errorCode, $"Query parameter '{name}' is required.", new ApiErrorDetail(ErrorCodes.MissingRequiredProperty, $"'{name}' is required.", name));
        }

        if (!Guid.TryParse(text, out Guid id) || id == Guid.Empty)
        {
            throw ApiException.Invalid(errorCode, $"Query parameter '{name}' is invalid.", new ApiErrorDetail(ErrorCodes.InvalidValue, $"'{text}' is not a valid UUID.", name));
        }

        return id;
    }

    private Task<IModel> FindAsync(ApiRequest request) => FindAsync(iModels, request);

    /// <summary>
    /// The iModel named by the route's <c>imodelId</c>; 404 when there is none. Access control has found its iTwin
    /// already, so this is one read in that iTwin's partition; only when that misses is it looked up by id alone.
    /// </summary>
    internal static async Task<IModel> FindAsync(IIModelStore iModels, ApiRequest request)
    {
        string id = request.Route("imodelId");
        IModel? iModel = null;
        if (Guid.TryParse(id, out Guid guid))
        {
            iModel = (request.Access is { } access ? await iModels.GetAsync(access.ITwinId, guid, request.Aborted) : null)
                ?? await iModels.GetAsync(guid, request.Aborted);
        }

        return iModel ?? throw ApiException.NotFound(ErrorCodes.IModelNotFound, $"Requested iModel '{id}' is not available.");
    }

    /// <summary>
    /// The id of the route's iModel, for handlers that read its tip and nothing else of its record (elements,
    /// changesets). Access control found the iModel's iTwin, so the iModel existed; that it still does is the tip's
    /// to say: a deleted iModel's tip read throws <see cref="IModelDeletedException"/>, answered as 404. Saves a
    /// storage read per request. Without an access grant, the record is read.
    /// </summary>
    internal static async Task<Guid> ExistingIdAsync(IIModelStore iModels, ApiRequest request) =>
        request.Access is not null && Guid.TryParse(request.Route("imodelId"), out Guid id)
            ? id
            : (await FindAsync(iModels, request)).Id;

    private static string Self(ApiRequest request, Guid id) => request.Url($"/imodels/{id:D}");

    private static IModelView Present(ApiRequest request, IModel m, IModelGeoreference? georeference = null) => new(
        m.Id,
        m.Name,
        m.Name,
        m.Description,
        m.ITwinId,
        ApiJson.Timestamp(m.CreatedDateTime),
        georeference?.CoordinateSystem is { } crs
            ? new GeographicCoordinateSystemView(crs, georeference.CoordinateSystemDefinition, georeference.Source, georeference.SpatialRootSourceFileId)
            : null,
        georeference?.GlobalOrigin is { } origin ? new PointView(origin.X, origin.Y, origin.Z) : null,
        georeference?.Extents is { } box ? new ExtentsView([box.LowX, box.LowY, box.LowZ], [box.HighX, box.HighY, box.HighZ]) : null,
        new IModelLinks(new Link(Self(request, m.Id)), new Link(request.Url($"/synchronization/imodels/connections?imodelId={m.Id:D}"))));
}

