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
        return ApiResult.Ok(new ItemsAnswer(items, StorageItems.ItemsLinks(links, new Link(StorageItems.FolderUrl(request, root.Id)))));
    }

    public async Task<ApiResult> GetAsync(ApiRequest request)
    {
        var folder = await FindAsync(request);
        return ApiResult.Ok(new FolderAnswer(await StorageItems.FolderAsync(request, folders, folder)));
    }

    public async Task<ApiResult> ListFoldersAsync(ApiRequest request)
    {
        var (items, links) = await ItemsAsync(request, await FindAsync(request), includeFolders: true, includeFiles: false);
        return ApiResult.Ok(new FoldersAnswer(items, links));
    }

    public async Task<ApiResult> ListFilesAsync(ApiRequest request)
    {
        var (items, links) = await ItemsAsync(request, await FindAsync(request), includeFolders: false, includeFiles: true);
        return ApiResult.Ok(new FilesAnswer(items, links));
    }

    public async Task<ApiResult> ListItemsAsync(ApiRequest request)
    {
        var (items, links) = await ItemsAsync(request, await FindAsync(request), includeFolders: true, includeFiles: true);
        return ApiResult.Ok(new ItemsAnswer(items, StorageItems.ItemsLinks(links)));
    }

    public async Task<ApiResult> CreateFolderAsync(ApiRequest request)
    {
        var parent = await FindAsync(request);
        var body = await JsonBody.ReadAsync(request.Http, ErrorCodes.InvalidFolderRequest, request.Aborted);
        string? name = Name(body);
        string? description = body.OptionalString("description", maxLength: 1024);
        body.ThrowIfInvalid("Cannot create the folder: the request is invalid.");
        var folder = await folders.CreateAsync(parent.ITwinId, parent.Id, name!, description, StorageItems.CallerName(request), request.Aborted);
        return ApiResult.Created(new FolderAnswer(await StorageItems.FolderAsync(request, folders, folder)), StorageItems.FolderUrl(request, folder.Id));
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

    /// <summary><c>PATCH {displayName?, description?}</c>; the root folder cannot change.</summary>
    public async Task<ApiResult> UpdateFolderAsync(ApiRequest request)
    {
        var folder = await FindAsync(request);
        var body = await JsonBody.ReadAsync(request.Http, ErrorCodes.InvalidFolderRequest, request.Aborted);
        string? name = body.Has("displayName") ? Name(body) : null;
        string? description = body.OptionalString("description", maxLength: 1024);
        if (folder.IsRoot)
        {
            body.Problem(ErrorCodes.InvalidValue, "The root folder cannot be changed.", "folderId");
        }

        body.ThrowIfInvalid("Cannot update the folder: the request is invalid.");
        var updated = await folders.UpdateAsync(folder.Id, name, description, StorageItems.CallerName(request), request.Aborted) ?? throw NotFound(folder.Id);
        return ApiResult.Ok(new FolderAnswer(await StorageItems.FolderAsync(request, folders, updated)));
    }

    /// <summary>Moves the folder and everything in it to the recycle bin (restored or deleted for good together).</summary>
    public async Task<ApiResult> DeleteFolderAsync(ApiRequest request)
    {
        var folder = await FindAsync(request);
        if (folder.IsRoot)
        {
            throw ApiException.Invalid(ErrorCodes.InvalidFolderRequest, "The root folder cannot be deleted.");
        }

        // Contents first: whatever fails midway stays reachable through the folder, which is still in place.
        await foreach (var (_, file) in DescendantsAsync(folder))
        {
            if (file is not null)
            {
                await files.MoveToRecycleBinAsync(file.Id, folder.Id, request.Aborted);
            }
        }

        await foreach (var (inner, _) in DescendantsAsync(folder))
        {
            if (inner is not null)
            {
                await folders.MoveToRecycleBinAsync(inner.Id, folder.Id, request.Aborted);
            }
        }

        return await folders.MoveToRecycleBinAsync(folder.Id, folder.Id, request.Aborted) ? ApiResult.NoContent() : throw NotFound(folder.Id);
    }

    /// <summary><c>?name=</c>: files and folders below the folder (at any depth) whose name matches; <c>*</c> and <c>?</c> are wildcards, case is ignored.</summary>
    public async Task<ApiResult> SearchAsync(ApiRequest request)
    {
        var folder = await FindAsync(request);
        string? pattern = request.Query("name");
        if (string.IsNullOrWhiteSpace(pattern) || pattern.Length > 255)
        {
            throw ApiException.Invalid(ErrorCodes.InvalidFolderRequest, "Query parameter 'name' is required.", new ApiErrorDetail(ErrorCodes.MissingRequiredProperty, "'name' is required.", "name"));
        }

        var paging = Paging.Parse(request.Http.Query, ErrorCodes.InvalidFolderRequest);
        var match = new System.Text.RegularExpressions.Regex(
            "^" + System.Text.RegularExpressions.Regex.Escape(pattern.Trim()).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$",
            System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant,
            TimeSpan.FromSeconds(1));
        var found = new List<Func<Task<StorageItemView>>>();
        await foreach (var (inner, file) in DescendantsAsync(folder))
        {
            if (inner is not null && match.IsMatch(inner.DisplayName))
            {
                found.Add(() => StorageItems.FolderAsync(request, folders, inner));
            }
            else if (file is not null && match.IsMatch(file.Name))
            {
                found.Add(() => StorageItems.FileAsync(request, folders, file));
            }
        }

        var items = new List<StorageItemView>();
        foreach (var present in paging.Apply(found))
        {
            items.Add(await present());
        }

        return ApiResult.Ok(new ItemsAnswer(items, StorageItems.ItemsLinks(paging.Links(request, found.Count))));
    }

    /// <summary>Every folder and file below <paramref name="top"/>, breadth first (each item is one or the other).</summary>
    private async IAsyncEnumerable<(StorageFolder? Folder, StorageFile? File)> DescendantsAsync(StorageFolder top)
    {
        var queue = new Queue<StorageFolder>([top]);
        for (int visited = 0; queue.Count > 0 && visited < 10_000; visited++)
        {
            var folder = queue.Dequeue();
            foreach (var inner in await folders.ListChildrenAsync(folder.ITwinId, folder.Id, CancellationToken.None))
            {
                queue.Enqueue(inner);
                yield return (inner, null);
            }

            foreach (var file in await files.ListInFolderAsync(folder.ITwinId, folder.Id, CancellationToken.None))
            {
                yield return (null, file);
            }
        }
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

    private async Task<(List<StorageItemView> Items, PageLinks Links)> ItemsAsync(ApiRequest request, StorageFolder folder, bool includeFolders, bool includeFiles)
    {
        var paging = Paging.Parse(request.Http.Query, ErrorCodes.InvalidFolderRequest);
        // Every item here shares this folder as its parent: its path is walked once, not once per item.
        string here = await StorageItems.PathAsync(folders, folder.Id, request.Aborted);
        var all = new List<Func<Task<StorageItemView>>>();
        if (includeFolders)
        {
            all.AddRange((await folders.ListChildrenAsync(folder.ITwinId, folder.Id, request.Aborted)).Select(f => (Func<Task<StorageItemView>>)(() => StorageItems.FolderAsync(request, folders, f, here))));
        }

        if (includeFiles)
        {
            all.AddRange((await files.ListInFolderAsync(folder.ITwinId, folder.Id, request.Aborted)).Select(f => (Func<Task<StorageItemView>>)(() => StorageItems.FileAsync(request, folders, f, here))));
        }

        var page = new List<StorageItemView>();
        foreach (var present in paging.Apply(all))
        {
            page.Add(await present());
        }

        return (page, paging.Links(request, all.Count));
    }
}
