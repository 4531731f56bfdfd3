namespace Sync.Engine.Changes;

/// <summary>Where the engine keeps its blobs. Names depend only on their inputs, so a repeated step overwrites its own output.</summary>
public static class BlobNames
{
    /// <summary>A file's staged operations; once committed, a part of its run's changeset as it is (no copy).</summary>
    public static string Staged(Guid iModelId, string runId, string sourceFileId) => $"changesets/{iModelId:D}/{runId}/{Safe(sourceFileId)}.ndjson.gz";

    public static string Snapshot(Guid iModelId, string sourceFileId, string runId) => $"snapshots/{iModelId:D}/{Safe(sourceFileId)}/{runId}.snap";

    public static string SchemaPart(Guid iModelId, string runId) => $"changesets/{iModelId:D}/{runId}/_schema.ndjson.gz";

    public static string State(Guid iModelId, string runId) => $"state/{iModelId:D}/{runId}.json";

    /// <summary>The iModel's published element index (a compacted SQLite file, gzipped), replaced by each newer one.</summary>
    public static string IndexCheckpoint(Guid iModelId) => $"index/{iModelId:D}/checkpoint.db.gz";

    /// <summary>
    /// The prefixes under which every blob of an iModel lies: the names above, and the changeset details the log
    /// writes beside the parts. Purging a deleted iModel deletes these.
    /// </summary>
    public static IReadOnlyList<string> OfIModel(Guid iModelId) =>
        [$"changesets/{iModelId:D}/", $"snapshots/{iModelId:D}/", $"state/{iModelId:D}/", $"index/{iModelId:D}/"];

    // Source file ids are GUIDs or caller-chosen manifest ids: keep blob names plain.
    private static string Safe(string id) => Uri.EscapeDataString(id);
}
