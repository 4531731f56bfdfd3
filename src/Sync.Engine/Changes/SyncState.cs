using System.Text.Json;
using Sync.Engine.Stores;

namespace Sync.Engine.Changes;

/// <summary>
/// What the last commit of one source file left current: its version marker, connector and snapshot, and the
/// connection that committed it (so a run can tell which of its files were removed since).
/// </summary>
public sealed record FileState(string Marker, string ConnectorType, string ConnectorVersion, string SnapshotBlob, long ElementCount, string? ConnectionId = null);

/// <summary>
/// The state document an iModel's tip points to: every source file's <see cref="FileState"/> and the schema
/// (class → property → type) grown by every changeset so far. Written as a new blob per commit, never edited.
/// </summary>
public sealed record SyncState(
    IReadOnlyDictionary<string, FileState> Files,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Schema)
{
    public static readonly SyncState Empty = new(new Dictionary<string, FileState>(), new Dictionary<string, IReadOnlyDictionary<string, string>>());

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
