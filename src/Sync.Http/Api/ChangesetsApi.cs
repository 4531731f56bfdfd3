using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Sync.Engine.Changes;
using Sync.Engine.Stores;
using Sync.Http.Infrastructure;

namespace Sync.Http.Api;

/// <summary>An iModel's changesets: list (ascending index), one by id or index, and its NDJSON content.</summary>
public sealed class ChangesetsApi(IIModelStore iModels, IChangesetLog log, IBlobStore blobs)
{
    public async Task<ApiResult> ListAsync(ApiRequest request)
    {
        Guid iModelId = await IModelsApi.ExistingIdAsync(iModels, request);
        var paging = Paging.Parse(request.Http.Query, ErrorCodes.InvalidChangesetRequest);
        var tip = await log.GetTipAsync(iModelId, request.Aborted);
        // Only what the tip read just now covers: a changeset appended since is in the next read of the list.
        int available = Math.Min(paging.Top, Math.Max(0, tip.Index - paging.Skip));
        var page = available == 0 ? [] : await log.ListAsync(iModelId, paging.Skip, available, request.Aborted);
        return ApiResult.Ok(new ChangesetsAnswer(page.Select(c => Present(request, c)).ToList(), paging.Links(request, tip.Index)));
    }

    public async Task<ApiResult> GetAsync(ApiRequest request)
    {
        var (_, changeset) = await FindAsync(request);
        return ApiResult.Ok(new ChangesetAnswer(Present(request, changeset)));
    }

    /// <summary>
    /// The operations as NDJSON, zstd- or gzip-encoded when the client accepts either (zstd preferred: parts are stored
    /// so and pass through unchanged), plain otherwise.
    /// </summary>
    public async Task<ApiResult> DownloadAsync(ApiRequest request)
    {
        var (_, changeset) = await FindAsync(request);
        var coding = Accepted(request.Http.GetTypedHeaders().AcceptEncoding);
        return ApiResult.Stream(HttpStatusCode.OK, async response =>
        {
            response.ContentType = "application/x-ndjson";
            response.Headers.ContentDisposition = $"attachment; filename=\"changeset-{changeset.Index}-{changeset.Id}.ndjson\"";
            if (coding != ContentCoding.Identity)
            {
                response.Headers.ContentEncoding = coding == ContentCoding.Zstd ? "zstd" : "gzip";
            }

            await ChangesetContent.WriteAsync(blobs, changeset, coding, response.Body, request.Aborted);
        });
    }

    private static ContentCoding Accepted(IList<StringWithQualityHeaderValue> accepted)
    {
        bool Accepts(string coding) => accepted.Any(a => a.Value.Equals(coding, StringComparison.OrdinalIgnoreCase) && a.Quality is not 0);
        return Accepts("zstd") ? ContentCoding.Zstd : Accepts("gzip") ? ContentCoding.Gzip : ContentCoding.Identity;
    }

    /// <summary>A changeset by 40-hex id or by index (1..n); null when <paramref name="idOrIndex"/> names none.</summary>
    internal static async Task<ChangesetRecord?> ResolveAsync(IChangesetLog log, Guid iModelId, string idOrIndex, CancellationToken cancellationToken) =>
        int.TryParse(idOrIndex, NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            ? index > 0 ? await log.GetAsync(iModelId, index, cancellationToken) : null
            : idOrIndex.Length == 40 ? await log.GetByIdAsync(iModelId, idOrIndex.ToLowerInvariant(), cancellationToken) : null;

    /// <summary>The route's changeset; the tip is read first, because records are kept after their iModel is deleted.</summary>
    private async Task<(Guid IModelId, ChangesetRecord Changeset)> FindAsync(ApiRequest request)
    {
        Guid iModelId = await IModelsApi.ExistingIdAsync(iModels, request);
        var tip = await log.GetTipAsync(iModelId, request.Aborted);
        string idOrIndex = request.Route("changesetId");
        var changeset = await ResolveAsync(log, iModelId, idOrIndex, request.Aborted);
        return changeset is not null && changeset.Index <= tip.Index
            ? (iModelId, changeset)
            : throw ApiException.NotFound(ErrorCodes.ChangesetNotFound, $"Requested changeset '{idOrIndex}' is not available.");
    }

    private static ChangesetView Present(ApiRequest request, ChangesetRecord c)
    {
        string self = request.Url($"/imodels/{request.Route("imodelId")}/changesets/{c.Id}");
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
            c.SynchronizationInfo,
            new ChangesetLinks(new Link(self), new Link(self + "/download")));
    }
}
