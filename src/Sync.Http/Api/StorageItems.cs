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

    public static async Task<object> FolderAsync(ApiRequest request, IStorageFolderStore folders, StorageFolder f) => new
    {
        id = f.Id,
        type = "folder",
        displayName = f.DisplayName,
        description = f.Description,
        path = f.IsRoot ? "/" : (await PathAsync(folders, f.ParentFolderId, request.Aborted)).TrimEnd('/') + "/" + f.DisplayName,
        lastModifiedByDisplayName = f.LastModifiedBy,
        createdDateTime = ApiJson.Timestamp(f.CreatedDateTime),
        lastModifiedDateTime = ApiJson.Timestamp(f.LastModifiedDateTime),
        parentFolderId = f.ParentFolderId,
        _links = new
        {
            self = new Link(FolderUrl(request, f.Id)),
            parentFolder = f.ParentFolderId is null ? null : new Link(FolderUrl(request, f.ParentFolderId)),
        },
    };

    /// <summary>A file in the Storage API's shape, plus our own fields (<c>name</c>, <c>contentHash</c>, <c>version</c>, <c>iTwinId</c>).</summary>
    public static async Task<object> FileAsync(ApiRequest request, IStorageFolderStore folders, StorageFile f)
    {
        string parent = f.ParentFolderId ?? ScopedId.Fixed(f.ITwinId);
        return new
        {
            id = f.Id,
            type = "file",
            displayName = f.Name,
            name = f.Name,
            description = f.Description,
            path = (await PathAsync(folders, parent, request.Aborted)).TrimEnd('/') + "/" + f.Name,
            size = f.Size,
            contentHash = f.ContentHash,
            version = f.Version,
            iTwinId = f.ITwinId,
            lastModifiedByDisplayName = f.LastModifiedBy,
            createdDateTime = ApiJson.Timestamp(f.CreatedDateTime ?? f.LastModified),
            lastModifiedDateTime = ApiJson.Timestamp(f.LastModified),
            parentFolderId = parent,
            _links = new
            {
                self = new Link(FileUrl(request, f.Id)),
                content = new Link(FileUrl(request, f.Id) + "/content"),
                download = new Link(FileUrl(request, f.Id) + "/download"),
                parentFolder = new Link(FolderUrl(request, parent)),
            },
        };
    }

    /// <summary>Upload links of the Storage API: PUT the bytes to <c>uploadUrl</c>, then POST <c>completeUrl</c>.</summary>
    public static object UploadLinks(ApiRequest request, string fileId, Uri uploadUrl) => new
    {
        _links = new
        {
            uploadUrl = new Link(uploadUrl.AbsoluteUri),
            completeUrl = new Link(FileUrl(request, fileId) + "/complete"),
        },
    };

    /// <summary>The display name of whoever makes the request (token <c>name</c>, else its subject).</summary>
    public static string? CallerName(ApiRequest request) => request.Caller is { } caller ? caller.Name ?? caller.UserId : null;
}
