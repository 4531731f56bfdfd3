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
        return ApiResult.Ok(Page(request, paging, all));
    }

    internal static object Page(ApiRequest request, Paging paging, IReadOnlyList<Connection> all)
    {
        var page = paging.Apply(all);
        var links = paging.Links(request, all.Count);
        return request.WantsRepresentation
            ? (object)new ConnectionsRepresentationAnswer(page.Select(c => Present(request, c)).ToList(), links)
            : new ConnectionsAnswer(page.Select(c => new ConnectionSummary(c.Id, c.DisplayName)).ToList(), links);
    }

    internal static ConnectionView Present(ApiRequest request, Connection c)
    {
        string segment = c.Kind == ConnectionKind.Storage ? "storageConnections" : "manifestConnections";
        return new ConnectionView(
            c.Id,
            c.DisplayName,
            c.IModelId,
            c.ITwinId,
            c.AuthenticationType,
            new ConnectionLinks(
                new Link(request.Url($"/imodels/{c.IModelId:D}")),
                new Link(request.Url($"/itwins/{c.ITwinId:D}")),
                c.LastRunId is null ? null : new Link(request.Url($"/synchronization/imodels/{segment}/{c.Id}/runs/{c.LastRunId}"))));
    }
}
