using System.Text.Json;
using Sync.Engine.Elements;
using Sync.Engine.Index;
using Sync.Engine.Stores;
using Sync.Http.Infrastructure;

namespace Sync.Http.Api;

/// <summary>
/// An iModel's current elements, the changes between two changesets, and its schema. Each read starts with the
/// iModel's tip (in the element index or here), which also says whether the iModel still exists.
/// </summary>
public sealed class ElementsApi(IIModelStore iModels, IChangesetLog log, ElementIndex index)
{
    public async Task<ApiResult> ListAsync(ApiRequest request)
    {
        Guid iModelId = await IModelsApi.ExistingIdAsync(iModels, request);
        var paging = Paging.Parse(request.Http.Query, ErrorCodes.InvalidElementRequest);
        string? classFullName = NullIfEmpty(request.Query("classFullName"));
        string? sourceFileId = NullIfEmpty(request.Query("sourceFileId"));
        var (page, total) = await index.ListAsync(iModelId, classFullName, sourceFileId, paging.Top, paging.Skip, request.Aborted);
        return ApiResult.Ok(new StoredElementsAnswer(page.Select(Present).ToList(), paging.Links(request, (int)Math.Min(total, int.MaxValue))));
    }

    public async Task<ApiResult> GetAsync(ApiRequest request)
    {
        Guid iModelId = await IModelsApi.ExistingIdAsync(iModels, request);
        string text = request.Route("elementId");
        var element = ElementId.TryParse(text, out long id) ? await index.GetAsync(iModelId, id, request.Aborted) : null;
        return element is null
            ? throw ApiException.NotFound(ErrorCodes.ElementNotFound, $"Requested element '{text}' is not available.")
            : ApiResult.Ok(new StoredElementAnswer(Present(element)));
    }

    /// <summary>
    /// An element's relationships (<c>direction</c> = outgoing | incoming | both, default both; optional <c>type</c>),
    /// paged; the element must exist now, its relationships' targets need not (a dangling reference stays as written).
    /// </summary>
    public async Task<ApiResult> RelationshipsAsync(ApiRequest request)
    {
        Guid iModelId = await IModelsApi.ExistingIdAsync(iModels, request);
        string text = request.Route("elementId");
        var paging = Paging.Parse(request.Http.Query, ErrorCodes.InvalidElementRequest);
        string direction = NullIfEmpty(request.Query("direction"))?.ToLowerInvariant() ?? "both";
        if (direction is not ("outgoing" or "incoming" or "both"))
        {
            throw ApiException.Invalid(ErrorCodes.InvalidElementRequest, "Invalid relationship query.", [new ApiErrorDetail(ErrorCodes.InvalidValue, "direction must be outgoing, incoming or both.", "direction")]);
        }

        var found = ElementId.TryParse(text, out long id)
            ? await index.RelationshipsAsync(iModelId, id, direction != "incoming", direction != "outgoing", NullIfEmpty(request.Query("type")), paging.Top, paging.Skip, request.Aborted)
            : null;
        var (page, total) = found ?? throw ApiException.NotFound(ErrorCodes.ElementNotFound, $"Requested element '{text}' is not available.");
        return ApiResult.Ok(new RelationshipsAnswer(
            page.Select(r => new RelationshipView(r.Type, ElementId.Format(r.SourceId), ElementId.Format(r.TargetId))).ToList(),
            paging.Links(request, (int)Math.Min(total, int.MaxValue))));
    }

    /// <summary>Per element touched by changesets start..end (inclusive; ids or indexes; default: all): inserted, updated (with the changed properties) or deleted.</summary>
    public async Task<ApiResult> ChangedElementsAsync(ApiRequest request)
    {
        Guid iModelId = await IModelsApi.ExistingIdAsync(iModels, request);
        var tip = await log.GetTipAsync(iModelId, request.Aborted);
        var problems = new List<ApiErrorDetail>();
        int start = await IndexOfAsync("startChangesetId", 1);
        int end = await IndexOfAsync("endChangesetId", tip.Index);
        if (problems.Count == 0 && tip.Index > 0 && start > end)
        {
            problems.Add(new ApiErrorDetail(ErrorCodes.InvalidValue, "The start changeset must not come after the end changeset.", "startChangesetId"));
        }

        if (problems.Count > 0)
        {
            throw ApiException.Invalid(ErrorCodes.InvalidElementRequest, "Invalid changeset range.", [.. problems]);
        }

        var paging = Paging.Parse(request.Http.Query, ErrorCodes.InvalidElementRequest);
        var (changes, more) = tip.Index == 0 ? ([], false) : await index.GetChangedElementsAsync(iModelId, start, end, paging.Skip, paging.Top, request.Aborted);
        return ApiResult.Ok(new ChangedElementsAnswer(
            changes.Select(c => new ChangedElementView(ElementId.Format(c.Id), c.ClassFullName, c.SourceFileId, c.Change, c.ChangedProperties)).ToList(),
            // Pages count touched elements: one may hold fewer entries than $top; follow next until there is none.
            paging.Links(request, more ? paging.Skip + paging.Top + 1 : paging.Skip + changes.Count)));

        async Task<int> IndexOfAsync(string name, int fallback)
        {
            string? value = NullIfEmpty(request.Query(name));
            if (value is null)
            {
                return fallback;
            }

            var changeset = await ChangesetsApi.ResolveAsync(log, iModelId, value, request.Aborted);
            if (changeset is null)
            {
                problems.Add(new ApiErrorDetail(ErrorCodes.InvalidValue, $"'{value}' is not a changeset of this iModel.", name));
                return fallback;
            }

            return changeset.Index;
        }
    }

    public async Task<ApiResult> SchemaAsync(ApiRequest request)
    {
        Guid iModelId = await IModelsApi.ExistingIdAsync(iModels, request);
        var schema = await index.GetSchemaAsync(iModelId, request.Aborted);
        return ApiResult.Ok(new SchemaAnswer(new SchemaView(
            schema.Select(c => new SchemaClassView(c.Key, c.Value.Select(p => new SchemaPropertyView(p.Key, p.Value)).ToList())).ToList())));
    }

    /// <summary>The stored canonical JSON (which has neither) with the element's id and checksum.</summary>
    private static StoredElement Present(IndexedElement element) => new(ElementId.Format(element.Id), element.Json, element.Checksum);

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
