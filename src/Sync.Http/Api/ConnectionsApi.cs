using Sync.Engine.Model;
using Sync.Engine.Stores;
using Sync.Http.Infrastructure;

namespace Sync.Http.Api;

/// <summary>The type-agnostic connection list of an iModel, and the connection representation both kinds share.</summary>
public sealed class ConnectionsApi(IConnectionStore connections)
{
    public async Task<ApiResult> ListAllKindsAsync(ApiRequest request)
    {
        var paging = Paging.Parse(request.Http.Query, ErrorCodes.InvalidConnectionRequest);
        Guid iModelId = IModelsApi.QueryGuid(request, "imodelId", ErrorCodes.InvalidConnectionRequest);
        var all = await connections.ListByIModelAsync(iModelId, kind: null, request.Aborted);
        return ApiResult.Ok(Page(request, paging, all, Present));
    }

    internal static object Page(ApiRequest request, Paging paging, IReadOnlyList<Connection> all, Func<ApiRequest, Connection, object> present)
    {
        var page = paging.Apply(all);
        object items = request.WantsRepresentation
            ? page.Select(c => present(request, c)).ToList()
            : page.Select(c => new { id = c.Id, displayName = c.DisplayName }).ToList();
        return new { connections = items, _links = paging.Links(request, all.Count) };
    }

    internal static object Present(ApiRequest request, Connection c)
    {
        string segment = c.Kind == ConnectionKind.Storage ? "storageConnections" : "manifestConnections";
        return new
        {
            id = c.Id,
            displayName = c.DisplayName,
            iModelId = c.IModelId,
            iTwinId = c.ITwinId,
            authenticationType = c.AuthenticationType,
            _links = new
            {
                iModel = new Link(request.Url($"/imodels/{c.IModelId:D}")),
                iTwin = new Link(request.Url($"/itwins/{c.ITwinId:D}")),
                lastRun = c.LastRunId is null ? null : new Link(request.Url($"/synchronization/imodels/{segment}/{c.Id}/runs/{c.LastRunId}")),
            },
        };
    }
}
