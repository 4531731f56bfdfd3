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

    /// <summary>
    /// Takes in content written straight into the files container by another tool (a new blob in a file's folder,
    /// or its current blob overwritten): it becomes the file's next version when its bytes differ.
    /// </summary>
    Task<DirectWrite> AdoptDirectWriteAsync(string blobName, CancellationToken cancellationToken);

    /// <summary>The blobs of the files container that this store did not write or adopt yet: candidates for <see cref="AdoptDirectWriteAsync"/>.</summary>
    IAsyncEnumerable<BlobVersion> ListDirectWritesAsync(CancellationToken cancellationToken);
}

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
