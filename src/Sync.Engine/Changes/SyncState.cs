using System.Text.Json;
using Sync.Engine.Connectors.Geometry;
using Sync.Engine.Elements;
using Sync.Engine.Stores;

namespace Sync.Engine.Changes;

/// <summary>
/// What the last commit of one source file left current: its version marker, connector and snapshot, the
/// connection that committed it (so a run can tell which of its files were removed since), and for a reference
/// file the master it belongs to.
/// </summary>
public sealed record FileState(string Marker, string ConnectorType, string ConnectorVersion, string SnapshotBlob, long ElementCount, string? ConnectionId = null, string? ParentSourceFileId = null, FileSpatial? Spatial = null, SourceValidator? Validator = null);

/// <summary>
/// Where a file's elements lie: its coordinate reference system (as its connector found it), the union of its
/// elements' boxes, and whether it was read as its iModel's spatial root.
/// </summary>
public sealed record FileSpatial(string? CoordinateSystem, string? CoordinateSystemDefinition, BoundingBox? Extents, bool IsSpatialRoot);

/// <summary>
/// The iModel's place on Earth as of a commit: its coordinate reference system and where it came from
/// (<c>configuration</c>: the iModel-scope <c>geographicCoordinateSystem</c> setting; <c>spatialRoot</c>: the spatial
/// root file's own), the global origin (the centre of the spatial root's extents) and the extents of every file.
/// </summary>
public sealed record IModelGeoreference(string? CoordinateSystem, string? CoordinateSystemDefinition, string? Source, string? SpatialRootSourceFileId, Placement? GlobalOrigin, BoundingBox? Extents);

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
    IReadOnlyDictionary<string, UnreadableFile>? Unreadable = null,
    string? ConfiguredCoordinateSystem = null)
{
    public static readonly SyncState Empty = new(new Dictionary<string, FileState>(), new Dictionary<string, IReadOnlyDictionary<string, string>>());

    private static readonly IReadOnlyDictionary<string, UnreadableFile> None = new Dictionary<string, UnreadableFile>();

    /// <summary>Unreadable file versions by source file id (none in state documents written before they were kept).</summary>
    public IReadOnlyDictionary<string, UnreadableFile> UnreadableFiles => Unreadable ?? None;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The committed spatial root (the first by source file id), or default when there is none.</summary>
    public (string? Id, FileSpatial? Spatial) SpatialRoot() =>
        Files.Where(f => f.Value.Spatial is { IsSpatialRoot: true }).OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => ((string?)f.Key, f.Value.Spatial)).FirstOrDefault();

    /// <summary>
    /// The iModel's georeference: the configured coordinate system, else the spatial root file's (the first by source
    /// file id when several connections name one); extents over every file.
    /// </summary>
    public IModelGeoreference Georeference()
    {
        var root = SpatialRoot();
        var extents = new Bounds3d();
        foreach (var file in Files.Values)
        {
            if (file.Spatial?.Extents is { } box)
            {
                extents.Add(new Vector3d(box.LowX, box.LowY, box.LowZ));
                extents.Add(new Vector3d(box.HighX, box.HighY, box.HighZ));
            }
        }

        Placement? origin = root.Spatial?.Extents is { } r ? new Placement((r.LowX + r.HighX) / 2, (r.LowY + r.HighY) / 2, (r.LowZ + r.HighZ) / 2) : null;
        return ConfiguredCoordinateSystem is { Length: > 0 } configured
            ? new IModelGeoreference(configured, null, "configuration", root.Id, origin, extents.ToBoundingBox())
            : new IModelGeoreference(root.Spatial?.CoordinateSystem, root.Spatial?.CoordinateSystemDefinition, root.Spatial?.CoordinateSystem is null ? null : "spatialRoot", root.Id, origin, extents.ToBoundingBox());
    }

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
