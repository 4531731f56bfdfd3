using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;
using Sync.Durable.Resync;
using Sync.Engine.Model;
using Sync.Engine.Stores;
using Sync.Http.Infrastructure;

namespace Sync.Http.Api;

/// <summary>
/// Files of iTwin storage, the ones storage connections read: our own upload and content operations (bodies stream
/// through; nothing is buffered whole) and Bentley's Storage API ones (completion of an upload made straight to blob
/// storage, new-version links, metadata updates, download redirects). A file is the same file either way.
/// </summary>
public sealed class StorageFilesApi(IStorageFileStore files, IStorageFolderStore folders, StorageFileChanges changes, StorageUploadOptions uploads, ILogger<StorageFilesApi> logger)
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
        return ApiResult.Created(new FileAnswer(await PresentAsync(request, file)), Self(request, file.Id));
    }

    public async Task<ApiResult> GetAsync(ApiRequest request)
    {
        string id = request.Route("fileId");
        var file = await files.GetAsync(id, request.Aborted) ?? throw NotFound(id);
        return ApiResult.Ok(new FileAnswer(await PresentAsync(request, file)));
    }

    /// <summary>Storage API: 302 to a short-lived read-only URL of the current content.</summary>
    public async Task<ApiResult> DownloadLinkAsync(ApiRequest request)
    {
        string id = request.Route("fileId");
        var url = await files.DownloadUrlAsync(id, uploads.DownloadUrlLifetime, request.Aborted) ?? throw NotFound(id);
        return ApiResult.Redirect(url.AbsoluteUri);
    }

    /// <summary>Storage API: links for a new version (PUT the bytes to <c>uploadUrl</c>, then POST <c>completeUrl</c>).</summary>
    public async Task<ApiResult> UpdateContentLinksAsync(ApiRequest request)
    {
        string id = request.Route("fileId");
        var url = await files.BeginUploadAsync(id, uploads.UploadUrlLifetime, request.Aborted) ?? throw NotFound(id);
        return ApiResult.Ok(StorageItems.UploadLinks(request, id, url));
    }

    /// <summary>Storage API: the uploaded bytes become the file's next version (size and SHA-256 read as they are copied).</summary>
    public async Task<ApiResult> CompleteAsync(ApiRequest request)
    {
        string id = request.Route("fileId");
        StorageFile file;
        try
        {
            file = await files.CompleteUploadAsync(id, StorageItems.CallerName(request), request.Aborted) ?? throw NotFound(id);
        }
        catch (UploadMissingException e)
        {
            throw ApiException.Conflict("FileUploadMissing", e.Message + " PUT the content to the uploadUrl first.");
        }

        await changes.ReportAsync(file, logger);
        return ApiResult.Ok(new FileAnswer(await PresentAsync(request, file)));
    }

    /// <summary>Storage API: <c>PATCH {displayName?, description?}</c>.</summary>
    public async Task<ApiResult> UpdateAsync(ApiRequest request)
    {
        string id = request.Route("fileId");
        var body = await JsonBody.ReadAsync(request.Http, ErrorCodes.InvalidFileRequest, request.Aborted);
        string? name = body.OptionalString("displayName", maxLength: 255)?.Trim();
        if (name is not null && (name.Length == 0 || name.IndexOfAny(['/', '\\']) >= 0))
        {
            body.Problem(ErrorCodes.InvalidValue, "A file name has no path separators.", "displayName");
        }

        string? description = body.OptionalString("description", maxLength: 1024);
        body.ThrowIfInvalid("Cannot update the file: the request is invalid.");
        var file = await files.UpdateMetadataAsync(id, name, description, StorageItems.CallerName(request), request.Aborted) ?? throw NotFound(id);
        return ApiResult.Ok(new FileAnswer(await PresentAsync(request, file)));
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
        await changes.ReportAsync(file, logger);
        return ApiResult.Ok(new FileAnswer(await PresentAsync(request, file)));
    }

    public async Task<ApiResult> DeleteAsync(ApiRequest request)
    {
        string id = request.Route("fileId");
        // To the recycle bin, as Bentley's Storage API does: restorable until deleted from there.
        return await files.MoveToRecycleBinAsync(id, id, request.Aborted) ? ApiResult.NoContent() : throw NotFound(id);
    }

    internal static string Self(ApiRequest request, string id) => request.Url($"/storage/files/{id}");

    private static ApiException NotFound(string id) => ApiException.NotFound(ErrorCodes.FileNotFound, $"Requested file '{id}' is not available.");

    private Task<StorageItemView> PresentAsync(ApiRequest request, StorageFile file) => StorageItems.FileAsync(request, folders, file);
}
