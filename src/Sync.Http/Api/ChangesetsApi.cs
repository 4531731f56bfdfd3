using System.Globalization;
using System.IO.Compression;
using System.Net;
using Sync.Engine.Changes;
using Sync.Engine.Stores;
using Sync.Http.Infrastructure;

namespace Sync.Http.Api;

/// <summary>An iModel's changesets: list (ascending index), one by id or index, and its NDJSON content.</summary>
public sealed class ChangesetsApi(IIModelStore iModels, IChangesetLog log, IBlobStore blobs)
{
    public async Task<ApiResult> ListAsync(ApiRequest request)
    {
        var iModel = await IModelsApi.FindAsync(iModels, request);
        var paging = Paging.Parse(request.Http.Query, ErrorCodes.InvalidChangesetRequest);
        var tip = await log.GetTipAsync(iModel.Id, request.Aborted);
        var page = await log.ListAsync(iModel.Id, paging.Skip, paging.Top, request.Aborted);
        return ApiResult.Ok(new ChangesetsAnswer(page.Select(c => Present(request, c)).ToList(), paging.Links(request, tip.Index)));
    }

    public async Task<ApiResult> GetAsync(ApiRequest request)
    {
        var (_, changeset) = await FindAsync(request);
        return ApiResult.Ok(new ChangesetAnswer(Present(request, changeset)));
    }

    /// <summary>The operations as NDJSON; gzip-encoded as stored when the client accepts gzip.</summary>
    public async Task<ApiResult> DownloadAsync(ApiRequest request)
    {
        var (_, changeset) = await FindAsync(request);
        var stored = ChangesetContent.Open(blobs, changeset);
        bool gzip = request.Http.Headers.AcceptEncoding.Any(v => v is not null && v.Contains("gzip", StringComparison.OrdinalIgnoreCase));
        return ApiResult.Stream(HttpStatusCode.OK, async response =>
        {
            await using (stored)
            {
                response.ContentType = "application/x-ndjson";
                response.Headers.ContentDisposition = $"attachment; filename=\"changeset-{changeset.Index}-{changeset.Id}.ndjson\"";
                if (gzip)
                {
                    response.Headers.ContentEncoding = "gzip";
                    await stored.CopyToAsync(response.Body, request.Aborted);
                }
                else
                {
                    await using var plain = new GZipStream(stored, CompressionMode.Decompress);
                    await plain.CopyToAsync(response.Body, request.Aborted);
                }
            }
        });
    }

    /// <summary>A changeset by 40-hex id or by index (1..n); null when <paramref name="idOrIndex"/> names none.</summary>
    internal static async Task<ChangesetRecord?> ResolveAsync(IChangesetLog log, Guid iModelId, string idOrIndex, CancellationToken cancellationToken) =>
        int.TryParse(idOrIndex, NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            ? index > 0 ? await log.GetAsync(iModelId, index, cancellationToken) : null
            : idOrIndex.Length == 40 ? await log.GetByIdAsync(iModelId, idOrIndex.ToLowerInvariant(), cancellationToken) : null;

    private async Task<(Guid IModelId, ChangesetRecord Changeset)> FindAsync(ApiRequest request)
    {
        var iModel = await IModelsApi.FindAsync(iModels, request);
        string idOrIndex = request.Route("changesetId");
        var changeset = await ResolveAsync(log, iModel.Id, idOrIndex, request.Aborted)
            ?? throw ApiException.NotFound(ErrorCodes.ChangesetNotFound, $"Requested changeset '{idOrIndex}' is not available.");
        return (iModel.Id, changeset);
    }

    private static ChangesetView Present(ApiRequest request, ChangesetRecord c)
    {
        string self = request.Url($"/imodels/{request.Route("imodelId")}/changesets/{c.Id}");
        var info = c.SynchronizationInfo;
        return new ChangesetView(
            c.Id,
            c.Index,
            c.ParentId ?? string.Empty,
            c.Description,
            ApiJson.Timestamp(c.PushDateTime),
            c.ContainingChanges,
            c.FileSize,
            c.Inserted,
            c.Updated,
            c.Deleted,
            new SynchronizationInfoView(info.RunId, info.ConnectionId, info.ChangedFiles),
            new ChangesetLinks(new Link(self), new Link(self + "/download")));
    }
}
