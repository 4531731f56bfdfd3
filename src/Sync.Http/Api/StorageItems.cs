using Sync.Engine.Model;
using Sync.Engine.Stores;
using Sync.Http.Infrastructure;

namespace Sync.Http.Api;

/// <summary>Files and folders as Bentley's Storage API presents them (<c>type</c>, <c>displayName</c>, <c>path</c>, …).</summary>
internal static class StorageItems
{
    public static string FolderUrl(ApiRequest request, string id) => request.Url($"/storage/folders/{id}");

    public static string FileUrl(ApiRequest request, string id) => request.Url($"/storage/files/{id}");

    /// <summary>The folder's path from the root ("/" for the root, "/a/b" below it).</summary>
    public static async Task<string> PathAsync(IStorageFolderStore folders, string? folderId, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        for (int depth = 0; depth < 64 && folderId is not null && await folders.GetAsync(folderId, cancellationToken) is { IsRoot: false } folder; depth++)
        {
            names.Add(folder.DisplayName);
            folderId = folder.ParentFolderId;
        }

        names.Reverse();
        return "/" + string.Join('/', names);
    }

    /// <param name="parentPath">The parent folder's path when the caller knows it (a listing of one folder), saving the walk up.</param>
    public static async Task<StorageItemView> FolderAsync(ApiRequest request, IStorageFolderStore folders, StorageFolder f, string? parentPath = null) => new(
        f.Id,
        "folder",
        f.DisplayName,
        f.Description,
        f.IsRoot ? "/" : (parentPath ?? await PathAsync(folders, f.ParentFolderId, request.Aborted)).TrimEnd('/') + "/" + f.DisplayName,
        null,
        f.LastModifiedBy,
        ApiJson.Timestamp(f.CreatedDateTime),
        ApiJson.Timestamp(f.LastModifiedDateTime),
        f.ParentFolderId,
        new StorageItemLinks(new Link(FolderUrl(request, f.Id)), f.ParentFolderId is null ? null : new Link(FolderUrl(request, f.ParentFolderId))));

    /// <summary>A file in the Storage API's shape, plus our own fields (<c>name</c>, <c>contentHash</c>, <c>version</c>, <c>iTwinId</c>).</summary>
    /// <param name="parentPath">The parent folder's path when the caller knows it (a listing of one folder), saving the walk up.</param>
    public static async Task<StorageItemView> FileAsync(ApiRequest request, IStorageFolderStore folders, StorageFile f, string? parentPath = null)
    {
        string parent = f.ParentFolderId ?? ScopedId.Fixed(f.ITwinId);
        return new StorageItemView(
            f.Id,
            "file",
            f.Name,
            f.Description,
            (parentPath ?? await PathAsync(folders, parent, request.Aborted)).TrimEnd('/') + "/" + f.Name,
            f.Size,
            f.LastModifiedBy,
            ApiJson.Timestamp(f.CreatedDateTime ?? f.LastModified),
            ApiJson.Timestamp(f.LastModified),
            parent,
            new StorageItemLinks(new Link(FileUrl(request, f.Id)), new Link(FolderUrl(request, parent)))
            {
                Content = new Link(FileUrl(request, f.Id) + "/content"),
                Download = new Link(FileUrl(request, f.Id) + "/download"),
            })
        {
            Name = f.Name,
            ContentHash = f.ContentHash,
            Version = f.Version,
            ITwinId = f.ITwinId,
        };
    }

    /// <summary>Upload links of the Storage API: PUT the bytes to <c>uploadUrl</c>, then POST <c>completeUrl</c>.</summary>
    public static UploadLinksAnswer UploadLinks(ApiRequest request, string fileId, Uri uploadUrl) =>
        new(new UploadLinks(new Link(uploadUrl.AbsoluteUri), new Link(FileUrl(request, fileId) + "/complete")));

    /// <summary>A page's links as the items listings carry them.</summary>
    public static ItemsLinks ItemsLinks(PageLinks page, Link? folder = null) => new(page.Self, page.Prev, page.Next, folder);

    /// <summary>The display name of whoever makes the request (token <c>name</c>, else its subject).</summary>
    public static string? CallerName(ApiRequest request) => request.Caller is { } caller ? caller.Name ?? caller.UserId : null;
}
