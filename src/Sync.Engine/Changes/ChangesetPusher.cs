using System.Security.Cryptography;
using System.Text;
using Sync.Engine.Stores;

namespace Sync.Engine.Changes;

/// <summary>The staged files of one run, to be committed as at most one changeset, and the file versions it could not read.</summary>
public sealed record PushRequest(Guid IModelId, string RunId, string? ConnectionId, IReadOnlyList<StagedFile> Files, string? Description = null)
{
    public IReadOnlyList<UnreadableFile> Unreadable { get; init; } = [];

    /// <summary>The iModel-scope <c>geographicCoordinateSystem</c> setting the run resolved (empty or null: none).</summary>
    public string? ConfiguredCoordinateSystem { get; init; }
}

/// <summary>A staged file was diffed against a snapshot that is no longer current; the file must be synchronized again.</summary>
public sealed class StaleBaselineException(string sourceFileId)
    : Exception($"Source file '{sourceFileId}' was committed by another run after it was read; synchronize it again.")
{
    public string SourceFileId { get; } = sourceFileId;
}

/// <summary>
/// Commits a run: makes the staged operations (plus any schema growth) the parts of one changeset, writes
/// the new state document, and moves the iModel's tip with a condition on the tip it read. A lost race re-reads
/// the tip and retries on top of it (the chain never forks, skips or duplicates); a repeated push of the same run
/// returns what that run already committed. Nothing changed → no changeset, only the new version markers
/// and unreadable file versions.
/// </summary>
public sealed class ChangesetPusher(IBlobStore blobs, IChangesetLog log, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public async Task<RunCommit> PushAsync(PushRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var files = request.Files.OrderBy(f => f.SourceFileId, StringComparer.Ordinal).ToList();
        if (files.Count == 0 && request.Unreadable.Count == 0)
        {
            // Every file was skipped, or failed in a way not worth remembering: nothing to commit.
            return new RunCommit(null);
        }

        while (true)
        {
            var committed = await log.GetRunCommitAsync(request.IModelId, request.RunId, cancellationToken).ConfigureAwait(false);
            if (committed is not null)
            {
                return committed;
            }

            var tip = await log.GetTipAsync(request.IModelId, cancellationToken).ConfigureAwait(false);
            var state = await SyncState.LoadAsync(blobs, tip, cancellationToken).ConfigureAwait(false);
            foreach (var file in files)
            {
                state.Files.TryGetValue(file.SourceFileId, out var current);
                if (current?.SnapshotBlob != file.BaseSnapshot)
                {
                    throw new StaleBaselineException(file.SourceFileId);
                }
            }

            var schemaGrowth = SchemaGrowth(state.Schema, files);
            var next = NextState(state, files, request.Unreadable, schemaGrowth, request.ConnectionId) with
            {
                ConfiguredCoordinateSystem = string.IsNullOrEmpty(request.ConfiguredCoordinateSystem) ? null : request.ConfiguredCoordinateSystem,
            };
            string stateBlob = BlobNames.State(request.IModelId, request.RunId);
            await next.SaveAsync(blobs, stateBlob, cancellationToken).ConfigureAwait(false);

            ChangesetRecord? changeset = null;
            var changed = files.Where(f => f.HasChanges).ToList();
            if (changed.Count > 0 || schemaGrowth.Count > 0)
            {
                changeset = await WriteChangesetAsync(request, tip, changed, schemaGrowth, cancellationToken).ConfigureAwait(false);
            }

            if (await log.TryAdvanceAsync(request.IModelId, tip, stateBlob, changeset, request.RunId, cancellationToken).ConfigureAwait(false))
            {
                return new RunCommit(changeset);
            }
        }
    }

    /// <summary>
    /// The changeset is its parts as they are: the staged operations of each changed file, after a small schema
    /// part when the schema grew. Nothing is copied, so a push costs the same for ten rows as for a million.
    /// </summary>
    private async Task<ChangesetRecord> WriteChangesetAsync(PushRequest request, ChainTip tip, List<StagedFile> changed, Dictionary<string, Dictionary<string, string>> schemaGrowth, CancellationToken cancellationToken)
    {
        // The content id covers the schema part and each file's operations in a fixed order.
        using var content = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        var parts = new List<string>();
        long size = 0;
        if (schemaGrowth.Count > 0)
        {
            string schemaBlob = BlobNames.SchemaPart(request.IModelId, request.RunId);
            var schema = new ChangeLineWriter(await blobs.OpenWriteAsync(schemaBlob, cancellationToken).ConfigureAwait(false));
            await using (schema.ConfigureAwait(false))
            {
                foreach (var (className, properties) in schemaGrowth.OrderBy(c => c.Key, StringComparer.Ordinal))
                {
                    await schema.WriteSchemaAsync(className, properties, cancellationToken).ConfigureAwait(false);
                }
            }

            content.AppendData(Encoding.ASCII.GetBytes(schema.ContentHash));
            parts.Add(schemaBlob);
            size += schema.CompressedBytes;
        }

        foreach (var file in changed)
        {
            content.AppendData(Encoding.ASCII.GetBytes(file.OperationsHash));
            parts.Add(file.OperationsBlob);
            size += file.OperationsBytes;
        }

        string contentId = Convert.ToHexStringLower(content.GetHashAndReset());
#pragma warning disable CA5350 // A 40-hex content id as iModel changesets have; identity, not security.
        string id = Convert.ToHexStringLower(SHA1.HashData(Encoding.ASCII.GetBytes($"{tip.ChangesetId}:{contentId}")));
#pragma warning restore CA5350
        return new ChangesetRecord(
            tip.Index + 1,
            id,
            tip.ChangesetId,
            request.Description ?? $"Synchronization run {request.RunId}: {changed.Count} file(s) changed",
            _clock.GetUtcNow(),
            schemaGrowth.Count > 0 ? ContainingChanges.Schema : ContainingChanges.Regular,
            size,
            changed.Sum(f => f.Inserted),
            changed.Sum(f => f.Updated),
            changed.Sum(f => f.Deleted),
            parts,
            new SynchronizationInfo(request.RunId, request.ConnectionId, changed.Select(f => f.SourceFileId).ToList()));
    }

    private static Dictionary<string, Dictionary<string, string>> SchemaGrowth(IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> known, IEnumerable<StagedFile> files)
    {
        var growth = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            foreach (var (className, properties) in file.Schema)
            {
                known.TryGetValue(className, out var existing);
                foreach (var (name, type) in properties)
                {
                    string? before = existing is not null && existing.TryGetValue(name, out string? t) ? t : null;
                    string? grown = growth.TryGetValue(className, out var g) && g.TryGetValue(name, out string? gt) ? gt : null;
                    string merged = Widen(Widen(before, grown), type)!;
                    if (merged != before)
                    {
                        if (!growth.TryGetValue(className, out var entry))
                        {
                            growth[className] = entry = new Dictionary<string, string>(StringComparer.Ordinal);
                        }

                        entry[name] = merged;
                    }
                }
            }
        }

        return growth;
    }

    /// <summary>The narrowest type holding both (integers and decimals → double, anything else mixed → string).</summary>
    private static string? Widen(string? a, string? b) => (a, b) switch
    {
        (null, _) => b,
        (_, null) => a,
        _ when a == b => a,
        _ when a is "long" or "double" && b is "long" or "double" => "double",
        _ => "string",
    };

    private static SyncState NextState(SyncState state, IEnumerable<StagedFile> files, IEnumerable<UnreadableFile> unreadable, Dictionary<string, Dictionary<string, string>> schemaGrowth, string? connectionId)
    {
        var nextFiles = new Dictionary<string, FileState>(state.Files);
        var nextUnreadable = new Dictionary<string, UnreadableFile>(state.UnreadableFiles);
        foreach (var file in unreadable)
        {
            nextUnreadable[file.SourceFileId] = file;
        }

        foreach (var file in files)
        {
            nextUnreadable.Remove(file.SourceFileId);
            if (file.Removed)
            {
                nextFiles.Remove(file.SourceFileId);
            }
            else
            {
                nextFiles[file.SourceFileId] = new FileState(file.Marker, file.ConnectorType, file.ConnectorVersion, file.NewSnapshot!, file.ElementCount, connectionId, file.ParentSourceFileId, file.Spatial, file.Validator);
            }
        }

        var nextSchema = state.Schema.ToDictionary(c => c.Key, c => c.Value.ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal);
        foreach (var (className, properties) in schemaGrowth)
        {
            if (!nextSchema.TryGetValue(className, out var entry))
            {
                nextSchema[className] = entry = new Dictionary<string, string>(StringComparer.Ordinal);
            }

            foreach (var (name, type) in properties)
            {
                entry[name] = type;
            }
        }

        return new SyncState(nextFiles, nextSchema.ToDictionary(c => c.Key, c => (IReadOnlyDictionary<string, string>)c.Value), nextUnreadable);
    }
}

/// <summary>Bentley's changeset <c>containingChanges</c> flags.</summary>
public static class ContainingChanges
{
    public const int Regular = 0;
    public const int Schema = 1;
}
