using Microsoft.Extensions.Logging;
using Sync.Durable.Resync;
using Sync.Engine.Model;
using Sync.Engine.Stores;
using Sync.Http.Infrastructure;

namespace Sync.Http.Api;

/// <summary>
/// The Storage API's recycle bin: what a DELETE put there (a file, or a folder with everything in it) is listed,
/// restored together, or deleted for good together.
/// </summary>
public sealed class RecycleBinApi(IStorageFolderStore folders, IStorageFileStore files, StorageFileChanges changes, ILogger<RecycleBinApi> logger)
{
    /// <summary><c>GET /storage/recycleBin?projectId=</c>: the deleted files and folders (a folder's contents go with it).</summary>
    public async Task<ApiResult> ListAsync(ApiRequest request)
    {
        Guid iTwinId = request.Access?.ITwinId ?? throw new InvalidOperationException("Storage routes are authorized by AccessControl before they run.");
        var paging = Paging.Parse(request.Http.Query, ErrorCodes.InvalidFolderRequest);
        var all = new List<Func<Task<StorageItemView>>>();
        all.AddRange((await folders.ListRecycledAsync(iTwinId, request.Aborted)).Select(f => (Func<Task<StorageItemView>>)(() => StorageItems.FolderAsync(request, folders, f))));
        all.AddRange((await files.ListRecycledAsync(iTwinId, request.Aborted)).Where(f => f.DeletedWith == f.Id).Select(f => (Func<Task<StorageItemView>>)(() => StorageItems.FileAsync(request, folders, f))));
        var items = new List<StorageItemView>();
        foreach (var present in paging.Apply(all))
        {
            items.Add(await present());
        }

        return ApiResult.Ok(new ItemsAnswer(items, StorageItems.ItemsLinks(paging.Links(request, all.Count))));
    }

    public Task<ApiResult> RestoreFileAsync(ApiRequest request) => LeaveFileAsync(request, restore: true);

    public Task<ApiResult> DeleteFileAsync(ApiRequest request) => LeaveFileAsync(request, restore: false);

    public Task<ApiResult> RestoreFolderAsync(ApiRequest request) => LeaveFolderAsync(request, restore: true);

    public Task<ApiResult> DeleteFolderAsync(ApiRequest request) => LeaveFolderAsync(request, restore: false);

    private async Task<ApiResult> LeaveFileAsync(ApiRequest request, bool restore)
    {
        string id = request.Route("fileId");
        var file = await files.FindAsync(id, request.Aborted);
        if (file?.DeletedWith != id)
        {
            throw ApiException.NotFound(ErrorCodes.FileNotFound, $"File '{id}' is not in the recycle bin.");
        }

        await files.LeaveRecycleBinAsync(file, restore, request.Aborted);
        if (restore)
        {
            // Back where connections can read it: as good as a new version for them.
            await changes.ReportAsync(file with { DeletedWith = null }, logger);
        }

        return ApiResult.NoContent();
    }

    private async Task<ApiResult> LeaveFolderAsync(ApiRequest request, bool restore)
    {
        string id = request.Route("folderId");
        if (!ScopedId.TryGetScope(id, out Guid iTwinId))
        {
            throw NotInBin(id);
        }

        var deleted = await folders.ListDeletedWithAsync(iTwinId, id, request.Aborted);
        if (!deleted.Any(f => f.Id == id))
        {
            throw NotInBin(id);
        }

        foreach (var file in (await files.ListRecycledAsync(iTwinId, request.Aborted)).Where(f => f.DeletedWith == id))
        {
            await files.LeaveRecycleBinAsync(file, restore, request.Aborted);
            if (restore)
            {
                await changes.ReportAsync(file with { DeletedWith = null }, logger);
            }
        }

        // The folder itself last: until then its contents are still reachable through the bin.
        foreach (var folder in deleted.OrderBy(f => f.Id == id))
        {
            await folders.LeaveRecycleBinAsync(folder, restore, request.Aborted);
        }

        return ApiResult.NoContent();
    }

    private static ApiException NotInBin(string id) => ApiException.NotFound(ErrorCodes.FolderNotFound, $"Folder '{id}' is not in the recycle bin.");
}
