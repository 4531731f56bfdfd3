using Sync.Engine.Model;

namespace Sync.Engine.Stores;

/// <summary>Versioned user files of an iTwin. Content is streamed in and out, never buffered whole.</summary>
public interface IStorageFileStore
{
    Task<StorageFile> UploadAsync(Guid iTwinId, string name, Stream content, CancellationToken cancellationToken);

    /// <summary>Stores new content as the next version; null when the file does not exist.</summary>
    Task<StorageFile?> ReplaceContentAsync(string fileId, Stream content, CancellationToken cancellationToken);

    Task<StorageFile?> GetAsync(string fileId, CancellationToken cancellationToken);

    /// <summary>Opens the current content for reading; null when the file does not exist.</summary>
    Task<(StorageFile File, Stream Content)?> OpenReadAsync(string fileId, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(string fileId, CancellationToken cancellationToken);
}
