using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;
using Sync.Durable.Resync;
using Sync.Engine.Model;
using Sync.Engine.Stores;
using Sync.Http.Infrastructure;

namespace Sync.Http.Api;

/// <summary>Our iTwin storage: the files that storage connections read. Bodies stream through; nothing is buffered whole.</summary>
public sealed class StorageFilesApi(IStorageFileStore files, StorageFileChanges changes, ILogger<StorageFilesApi> logger)
{
    public async Task<ApiResult> UploadAsync(ApiRequest request)
    {
        Guid iTwinId = IModelsApi.QueryGuid(request, "iTwinId", ErrorCodes.InvalidFileRequest);
        string? name = request.Query("name")?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 255 || name.IndexOfAny(['/', '\\']) >= 0)
        {
            throw ApiException.Invalid(
                ErrorCodes.InvalidFileRequest,
                "Query parameter 'name' is required: a file name of at most 255 characters without path separators.",
                new ApiErrorDetail(string.IsNullOrEmpty(name) ? ErrorCodes.MissingRequiredProperty : ErrorCodes.InvalidValue, "A file name is required.", "name"));
        }

        var file = await files.UploadAsync(iTwinId, name, request.Http.Body, request.Aborted);
        return ApiResult.Created(new { file = Present(request, file) }, Self(request, file.Id));
    }

    public async Task<ApiResult> GetAsync(ApiRequest request)
    {
        string id = request.Route("fileId");
        var file = await files.GetAsync(id, request.Aborted) ?? throw NotFound(id);
        return ApiResult.Ok(new { file = Present(request, file) });
    }

    public async Task<ApiResult> DownloadAsync(ApiRequest request)
    {
        string id = request.Route("fileId");
        var opened = await files.OpenReadAsync(id, request.Aborted) ?? throw NotFound(id);
        var (file, content) = opened;
        return ApiResult.Stream(HttpStatusCode.OK, async response =>
        {
            await using (content)
            {
                response.ContentType = "application/octet-stream";
                response.ContentLength = file.Size;
                response.Headers.ETag = $"\"{file.ContentHash}\"";
                response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileNameStar = file.Name }.ToString();
                await content.CopyToAsync(response.Body, request.Aborted);
            }
        });
    }

    public async Task<ApiResult> ReplaceContentAsync(ApiRequest request)
    {
        string id = request.Route("fileId");
        var file = await files.ReplaceContentAsync(id, request.Http.Body, request.Aborted) ?? throw NotFound(id);
        try
        {
            // Our own uploads are reported at once; a scan or blob trigger would only see them later.
            await changes.FileChangedAsync(file, CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The new version is stored: the next run (manual, or the next change's) still reads it.
            logger.LogWarning(e, "Automatic resync was not started for storage file {FileId} version {Version}", file.Id, file.Version);
        }

        return ApiResult.Ok(new { file = Present(request, file) });
    }

    public async Task<ApiResult> DeleteAsync(ApiRequest request)
    {
        string id = request.Route("fileId");
        return await files.DeleteAsync(id, request.Aborted) ? ApiResult.NoContent() : throw NotFound(id);
    }

    internal static string Self(ApiRequest request, string id) => request.Url($"/storage/files/{id}");

    private static ApiException NotFound(string id) => ApiException.NotFound(ErrorCodes.FileNotFound, $"Requested file '{id}' is not available.");

    private static object Present(ApiRequest request, StorageFile f) => new
    {
        id = f.Id,
        iTwinId = f.ITwinId,
        name = f.Name,
        size = f.Size,
        contentHash = f.ContentHash,
        version = f.Version,
        lastModifiedDateTime = ApiJson.Timestamp(f.LastModified),
        _links = new
        {
            self = new Link(Self(request, f.Id)),
            content = new Link(Self(request, f.Id) + "/content"),
        },
    };
}
