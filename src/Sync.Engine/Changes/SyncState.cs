using System.Text.Json;
using Sync.Engine.Stores;

namespace Sync.Engine.Changes;

/// <summary>
/// What the last commit of one source file left current: its version marker, connector and snapshot, the
/// connection that committed it (so a run can tell which of its files were removed since), and for a reference
/// file the master it belongs to.
/// </summary>
public sealed record FileState(string Marker, string ConnectorType, string ConnectorVersion, string SnapshotBlob, long ElementCount, string? ConnectionId = null, string? ParentSourceFileId = null);

/// <summary>
/// A version of a source file its connector could not read (corrupt, wrong format). Reading the same version
/// with the same connector and settings fails the same way, so it is not read again until one of them changes.
/// </summary>
public sealed record UnreadableFile(string SourceFileId, string Marker, string ConnectorType, string ConnectorVersion, string Description, string RunId);

/// <summary>
/// The state document an iModel's tip points to: every source file's <see cref="FileState"/>, the schema
/// (class → property → type) grown by every changeset so far, and the file versions known to be unreadable.
/// Written as a new blob per commit, never edited.
/// </summary>
public sealed record SyncState(
    IReadOnlyDictionary<string, FileState> Files,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Schema,
    IReadOnlyDictionary<string, UnreadableFile>? Unreadable = null)
{
    public static readonly SyncState Empty = new(new Dictionary<string, FileState>(), new Dictionary<string, IReadOnlyDictionary<string, string>>());

    private static readonly IReadOnlyDictionary<string, UnreadableFile> None = new Dictionary<string, UnreadableFile>();

    /// <summary>Unreadable file versions by source file id (none in state documents written before they were kept).</summary>
    public IReadOnlyDictionary<string, UnreadableFile> UnreadableFiles => Unreadable ?? None;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<SyncState> LoadAsync(IBlobStore blobs, ChainTip tip, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(tip);
        if (tip.StateBlob is null)
        {
            return Empty;
        }

        await using var stream = await blobs.OpenReadAsync(tip.StateBlob, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"The state document '{tip.StateBlob}' of the iModel's tip is missing.");
        return await JsonSerializer.DeserializeAsync<SyncState>(stream, Json, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"The state document '{tip.StateBlob}' is empty.");
    }

    public async Task SaveAsync(IBlobStore blobs, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        await using var stream = await blobs.OpenWriteAsync(name, cancellationToken).ConfigureAwait(false);
        await JsonSerializer.SerializeAsync(stream, this, Json, cancellationToken).ConfigureAwait(false);
    }
}
