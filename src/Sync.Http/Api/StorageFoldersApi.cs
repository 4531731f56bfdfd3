using System.Net;
using Sync.Engine.Model;
using Sync.Engine.Stores;
using Sync.Http.Infrastructure;

namespace Sync.Http.Api;

/// <summary>
/// Bentley's Storage API folders (storage-api.md): the iTwin's top-level listing with its root folder, folders and
/// their children, and the creation of a file, which answers upload links (the bytes go straight to blob storage).
/// </summary>
public sealed class StorageFoldersApi(IStorageFolderStore folders, IStorageFileStore files, StorageUploadOptions uploads)
{
    private static readonly string[] Executables = [".exe", ".bat", ".cmd", ".com", ".msi", ".scr", ".ps1", ".vbs", ".dll"];

    /// <summary><c>GET /storage/?projectId=</c> (or <c>iTwinId</c>): the root folder's items and a link to it.</summary>
    public async Task<ApiResult> TopLevelAsync(ApiRequest request)
    {
        var root = StorageFolder.Root(Granted(request));
        var (items, links) = await ItemsAsync(request, root, includeFolders: true, includeFiles: true);
        return ApiResult.Ok(new { items, _links = new { self = links.Self, prev = links.Prev, next = links.Next, folder = new Link(StorageItems.FolderUrl(request, root.Id)) } });
    }

    public async Task<ApiResult> GetAsync(ApiRequest request)
    {
        var folder = await FindAsync(request);
        return ApiResult.Ok(new { folder = await StorageItems.FolderAsync(request, folders, folder) });
    }

    public async Task<ApiResult> ListFoldersAsync(ApiRequest request)
    {
        var (items, links) = await ItemsAsync(request, await FindAsync(request), includeFolders: true, includeFiles: false);
        return ApiResult.Ok(new { folders = items, _links = links });
    }

    public async Task<ApiResult> ListFilesAsync(ApiRequest request)
    {
        var (items, links) = await ItemsAsync(request, await FindAsync(request), includeFolders: false, includeFiles: true);
        return ApiResult.Ok(new { files = items, _links = links });
    }

    public async Task<ApiResult> ListItemsAsync(ApiRequest request)
    {
        var (items, links) = await ItemsAsync(request, await FindAsync(request), includeFolders: true, includeFiles: true);
        return ApiResult.Ok(new { items, _links = links });
    }

    public async Task<ApiResult> CreateFolderAsync(ApiRequest request)
    {
        var parent = await FindAsync(request);
        var body = await JsonBody.ReadAsync(request.Http, ErrorCodes.InvalidFolderRequest, request.Aborted);
        string? name = Name(body);
        string? description = body.OptionalString("description", maxLength: 1024);
        body.ThrowIfInvalid("Cannot create the folder: the request is invalid.");
        var folder = await folders.CreateAsync(parent.ITwinId, parent.Id, name!, description, StorageItems.CallerName(request), request.Aborted);
        return ApiResult.Created(new { folder = await StorageItems.FolderAsync(request, folders, folder) }, StorageItems.FolderUrl(request, folder.Id));
    }

    /// <summary>Creates a file without content and answers 202 with its upload links; readers see it once completed.</summary>
    public async Task<ApiResult> CreateFileAsync(ApiRequest request)
    {
        var parent = await FindAsync(request);
        var body = await JsonBody.ReadAsync(request.Http, ErrorCodes.InvalidFileRequest, request.Aborted);
        string? name = Name(body);
        string? description = body.OptionalString("description", maxLength: 1024);
        if (name is not null && Executables.Contains(Path.GetExtension(name), StringComparer.OrdinalIgnoreCase))
        {
            body.Problem(ErrorCodes.InvalidValue, "Executable files are not accepted.", "displayName");
        }

        body.ThrowIfInvalid("Cannot create the file: the request is invalid.");
        var file = await files.CreatePendingAsync(parent.ITwinId, parent.Id, name!, description, StorageItems.CallerName(request), request.Aborted);
        var uploadUrl = await files.BeginUploadAsync(file.Id, uploads.UploadUrlLifetime, request.Aborted)
            ?? throw new InvalidOperationException("A file just created is gone.");
        return ApiResult.Json(HttpStatusCode.Accepted, StorageItems.UploadLinks(request, file.Id, uploadUrl));
    }

    private static Guid Granted(ApiRequest request) =>
        request.Access?.ITwinId ?? throw new InvalidOperationException("Storage routes are authorized by AccessControl before they run.");

    /// <summary>A required file or folder name: at most 255 characters, no path separators or control characters.</summary>
    private static string? Name(JsonBody body)
    {
        string? name = body.RequiredString("displayName", maxLength: 255)?.Trim();
        if (name is not null && (name.Length == 0 || name.IndexOfAny(['/', '\\']) >= 0 || name.Any(char.IsControl) || name is "." or ".."))
        {
            body.Problem(ErrorCodes.InvalidValue, "A name has no path separators or control characters.", "displayName");
            return null;
        }

        return name;
    }

    private async Task<StorageFolder> FindAsync(ApiRequest request)
    {
        string id = request.Route("folderId");
        return await folders.GetAsync(id, request.Aborted) ?? throw NotFound(id);
    }

    internal static ApiException NotFound(string id) => ApiException.NotFound(ErrorCodes.FolderNotFound, $"Requested folder '{id}' is not available.");

    private async Task<(List<object> Items, PageLinks Links)> ItemsAsync(ApiRequest request, StorageFolder folder, bool includeFolders, bool includeFiles)
    {
        var paging = Paging.Parse(request.Http.Query, ErrorCodes.InvalidFolderRequest);
        var all = new List<Func<Task<object>>>();
        if (includeFolders)
        {
            all.AddRange((await folders.ListChildrenAsync(folder.ITwinId, folder.Id, request.Aborted)).Select(f => (Func<Task<object>>)(() => StorageItems.FolderAsync(request, folders, f))));
        }

        if (includeFiles)
        {
            all.AddRange((await files.ListInFolderAsync(folder.ITwinId, folder.Id, request.Aborted)).Select(f => (Func<Task<object>>)(() => StorageItems.FileAsync(request, folders, f))));
        }

        var page = new List<object>();
        foreach (var present in paging.Apply(all))
        {
            page.Add(await present());
        }

        return (page, paging.Links(request, all.Count));
    }
}
