using Sync.Engine.Model;

namespace Sync.Engine.Stores;

/// <summary>Versioned user files of an iTwin. Content is streamed in and out, never buffered whole.</summary>
public interface IStorageFileStore
{
    Task<StorageFile> UploadAsync(Guid iTwinId, string name, Stream content, CancellationToken cancellationToken);

    /// <summary>Stores new content as the next version; null when the file does not exist.</summary>
    Task<StorageFile?> ReplaceContentAsync(string fileId, Stream content, CancellationToken cancellationToken);

    /// <summary>The file, unless there is none or it is still <see cref="StorageFile.Pending"/>.</summary>
    Task<StorageFile?> GetAsync(string fileId, CancellationToken cancellationToken);

    /// <summary>The file, pending ones included.</summary>
    Task<StorageFile?> FindAsync(string fileId, CancellationToken cancellationToken);

    /// <summary>Creates a file without a version (pending): readers see it once its first upload completes.</summary>
    Task<StorageFile> CreatePendingAsync(Guid iTwinId, string parentFolderId, string name, string? description, string? modifiedBy, CancellationToken cancellationToken);

    /// <summary>
    /// A write-only URL for a new upload of the file's content, valid for <paramref name="lifetime"/>; what is put
    /// there becomes a version only through <see cref="CompleteUploadAsync"/>. Null when the file does not exist.
    /// </summary>
    Task<Uri?> BeginUploadAsync(string fileId, TimeSpan lifetime, CancellationToken cancellationToken);

    /// <summary>
    /// Makes the uploaded content the file's next version (size and SHA-256 read from it, streamed); the file stops
    /// being pending. Null when the file does not exist; <see cref="UploadMissingException"/> when nothing was uploaded.
    /// </summary>
    Task<StorageFile?> CompleteUploadAsync(string fileId, string? modifiedBy, CancellationToken cancellationToken);

    /// <summary>A read-only URL of the file's current content, valid for <paramref name="lifetime"/>; null when there is no such (completed) file.</summary>
    Task<Uri?> DownloadUrlAsync(string fileId, TimeSpan lifetime, CancellationToken cancellationToken);

    /// <summary>Renames or re-describes the file (null: unchanged); null when there is no such (completed, not deleted) file.</summary>
    Task<StorageFile?> UpdateMetadataAsync(string fileId, string? name, string? description, string? modifiedBy, CancellationToken cancellationToken);

    /// <summary>The completed files of a folder (the root folder's include files created without one), not deleted ones.</summary>
    Task<IReadOnlyList<StorageFile>> ListInFolderAsync(Guid iTwinId, string folderId, CancellationToken cancellationToken);

    /// <summary>Puts the file into the recycle bin, marked as deleted with <paramref name="deletedWith"/>; false when it is not there to delete.</summary>
    Task<bool> MoveToRecycleBinAsync(string fileId, string deletedWith, CancellationToken cancellationToken);

    /// <summary>Every file in the recycle bin: the ones whose own deletion or whose folder's deletion put them there.</summary>
    Task<IReadOnlyList<StorageFile>> ListRecycledAsync(Guid iTwinId, CancellationToken cancellationToken);

    /// <summary>Takes the file back out of the recycle bin (<paramref name="restore"/>) or deletes it and its content for good.</summary>
    Task LeaveRecycleBinAsync(StorageFile file, bool restore, CancellationToken cancellationToken);

    /// <summary>Opens the current content for reading; null when the file does not exist.</summary>
    Task<(StorageFile File, Stream Content)?> OpenReadAsync(string fileId, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(string fileId, CancellationToken cancellationToken);

    /// <summary>
    /// Takes in content written straight into the files container by another tool (a new blob in a file's folder,
    /// or its current blob overwritten): it becomes the file's next version when its bytes differ.
    /// </summary>
    Task<DirectWrite> AdoptDirectWriteAsync(string blobName, CancellationToken cancellationToken);

    /// <summary>The blobs of the files container that this store did not write or adopt yet: candidates for <see cref="AdoptDirectWriteAsync"/>.</summary>
    IAsyncEnumerable<BlobVersion> ListDirectWritesAsync(CancellationToken cancellationToken);
}

/// <summary>A completion found nothing uploaded for the file.</summary>
public sealed class UploadMissingException(string fileId) : Exception($"Nothing was uploaded for file '{fileId}'.");

public enum DirectWriteOutcome
{
    /// <summary>The blob is a new version of <see cref="DirectWrite.File"/>.</summary>
    NewVersion,

    /// <summary>The blob holds the bytes of the file's current version: taken in, no new version.</summary>
    SameContent,

    /// <summary>Written or adopted by this store already (or gone meanwhile).</summary>
    Known,

    /// <summary>Not in a storage file's folder (<c>{iTwinId}/{fileId}/…</c>) of an existing file: left alone.</summary>
    NotAFile,

    /// <summary>Larger than the storage file limit: left alone.</summary>
    TooLarge,
}

public sealed record DirectWrite(DirectWriteOutcome Outcome, StorageFile? File = null);

/// <summary>One write of a blob: its name and the ETag that write gave it.</summary>
public sealed record BlobVersion(string Name, string ETag);
